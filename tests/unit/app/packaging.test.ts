/** Packaging configuration: electron-builder's own schema accepts it and it targets the three desktop platforms. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const config = yaml.load(readFileSync(path.join(ROOT, 'build/electron-builder.yml'), 'utf8')) as {
  [platform in 'win' | 'mac' | 'linux']: { target: string[] };
} & { files: string[]; asarUnpack: string[] };

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
  it('every `npm run` the README documents is a script, and every file a script names exists', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      main: string;
      bin: Record<string, string>;
    };
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const documented = [...new Set([...readme.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]))];
    expect(documented.length).toBeGreaterThan(5);
    expect(documented.filter((s) => !(s in pkg.scripts))).toEqual([]);
    const named = Object.values(pkg.scripts).flatMap((cmd) =>
      [...cmd.matchAll(/(?:^|\s)((?:src|build|bench|scripts|bin)\/[\w./-]+)/g)].map((m) => m[1]),
    );
    expect(named).toContain('build/electron-builder.yml');
    expect(named.filter((f) => !existsSync(path.join(ROOT, f)))).toEqual([]);
    for (const file of Object.values(pkg.bin))
      expect(statSync(path.join(ROOT, file)).mode & 0o111).not.toBe(0);
  });

  it("package.json's main is the main-process bundle electron-vite builds from src/main/index.ts", async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    const viteConfig = (await import('../../../electron.vite.config')).default as {
      main: { build: { rollupOptions: { input: Record<string, string> } } };
    };
    const inputs = viteConfig.main.build.rollupOptions.input;
    const entry = Object.entries(inputs).find(([, file]) =>
      file.endsWith(path.join('src', 'main', 'index.ts')),
    );
    expect(entry).toBeDefined();
    expect(path.normalize(pkg.main)).toBe(path.join('out', 'main', `${entry![0]}.js`));
    // the worker entry main starts as a utility process is a second input of the same build
    expect(inputs['train-worker']).toMatch(/src[/\\]main[/\\]worker[/\\]train-worker\.ts$/);
    for (const file of Object.values(inputs)) expect(existsSync(file), file).toBe(true);
  });
});
