/** Packaging configuration: electron-builder's own schema accepts it and it targets the three desktop platforms. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const config = yaml.load(readFileSync(path.join(ROOT, 'build/electron-builder.yml'), 'utf8')) as Record<
  string,
  any
>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('build/electron-builder.yml', () => {
  it('validates against the schema shipped with electron-builder', () => {
    const schema = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });
  it('builds NSIS for Windows, dmg for macOS, AppImage and deb for Linux from the electron-vite output', () => {
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.files).toContain('out/**');
    expect(config.asarUnpack).toContain('node_modules/@tensorflow/**');
  });
  it('has an icon large enough for every platform (>= 512 px square)', () => {
    const icon = PNG.sync.read(readFileSync(path.join(ROOT, 'build/icon.png')));
    expect(icon.width).toBe(icon.height);
    expect(icon.width).toBeGreaterThanOrEqual(512);
  });
  it('package.json has the dev, build, dist and host scripts the README documents', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.dev).toBe('electron-vite dev');
    expect(pkg.scripts.build).toBe('electron-vite build');
    expect(pkg.scripts.dist).toContain('electron-builder --config build/electron-builder.yml');
    expect(pkg.scripts.host).toContain('src/host/main.ts');
    expect(pkg.main).toBe('./out/main/index.js');
  });
});
