/** Builds main, preload and renderer once before the browser tests (the web host serves out/renderer). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM_PATH) {
    // fail loudly: CI installs chromium, so a missing browser is a broken environment, not a skip
    throw new Error(
      'Chromium not found at /usr/bin/chromium (set CHROMIUM_PATH): the e2e suite drives a real browser. Install it (apt-get install chromium) and rerun.',
    );
  }
  if (process.env.E2E_SKIP_BUILD) return;
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
}
