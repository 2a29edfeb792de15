/// <reference lib="dom" />
/**
 * The same flows through the real Electron app (Playwright's _electron launcher), where the Electron binary is
 * installed. Here (no network for the binary download) the suite is skipped and says why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyFile } from '../helpers/data';
import { expectedCounts, ROOT } from './helpers';

function electronBinary(): string | undefined {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary)
  console.warn(
    '[e2e] Electron flows skipped: the Electron binary is not installed (node_modules/electron/dist is missing; it cannot be downloaded here). The same flows ran against the web host.',
  );

describe.skipIf(!binary)('Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'fi-electron-'));
    app = await _electron.launch({
      executablePath: binary,
      args: [path.join(ROOT, 'out/main/index.js')],
      env: { ...process.env, FACTOR_INCEPTION_HOME: home },
    });
    page = await app.firstWindow();
    await page.waitForSelector('button[data-view="data"]');
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs with a sandboxed, isolated renderer that has the preload API and no node', async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { api?: unknown }).api)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe(
      'undefined',
    );
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      return (
        w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }
      ).getLastWebPreferences();
    });
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });

  it('imports the real files and updates the class counts from the slider', async () => {
    // the app opens on today's signal; importing is on the Data view
    await page.click('button[data-view="data"]');
    await page.setInputFiles(
      '[data-testid="import-input"]',
      ['000300', '000001', '000905', '399006'].map(dailyFile),
    );
    await page.waitForSelector('[data-testid="indices"] tr[data-code="399006"]');
    await page.click('button[data-view="study"]');
    const exp = expectedCounts(dailyFile('000300'), 14, 0.04, -0.01, '2010-06-01');
    await page.locator('[data-testid="up-slider"]').fill('4');
    await expect.poll(() => page.locator('[data-testid="count-up"]').innerText()).toBe(String(exp.up));
    expect(readFileSync(path.join(home, 'data', '000300.csv'), 'utf8')).toBe(
      readFileSync(dailyFile('000300'), 'utf8'),
    );
  });
});
