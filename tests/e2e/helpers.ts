/** Shared pieces of the browser tests: a web host on a free port with a fresh home, and Debian's Chromium. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { forkCompute, forkWorker } from '../../src/host/fork-worker';
import { startHost, type Host } from '../../src/host/server';
import { confSettings } from '../../src/main/services/settings-file';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER = path.join(ROOT, 'out/renderer');
/**
 * Where the e2e run writes its screenshots: a temp folder, so a test run leaves the checkout clean.
 * `npm run screenshots` sets FACTOR_INCEPTION_SHOTS=docs/screenshots to refresh the README's pictures.
 */
export const SHOTS = path.resolve(
  ROOT,
  process.env.FACTOR_INCEPTION_SHOTS ?? path.join(os.tmpdir(), 'factor-inception-screenshots'),
);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestHost {
  host: Host;
  home: string;
  dataDir: string;
  runsDir: string;
  close(): Promise<void>;
}

export async function startTestHost(): Promise<TestHost> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'fi-e2e-'));
  const settings = confSettings(home);
  const host = await startHost({
    rendererDir: RENDERER,
    settings,
    spawnWorker: forkWorker,
    spawnCompute: forkCompute,
    version: 'e2e',
  });
  return {
    host,
    home,
    dataDir: settings.get().dataDir,
    runsDir: settings.get().runsDir,
    async close() {
      await host.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  // WebGL for ECharts-GL comes from SwiftShader in headless mode
  args.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader');
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** Share of pixels that differ clearly from the most common colour, and the number of distinct colours. */
export function pixelStats(png: Buffer): { nonBackground: number; distinct: number } {
  const img = PNG.sync.read(png);
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const key = (img.data[i * 4] << 16) | (img.data[i * 4 + 1] << 8) | img.data[i * 4 + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const bg = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  let differ = 0;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 4],
      g = img.data[i * 4 + 1],
      b = img.data[i * 4 + 2];
    if (Math.abs(r - (bg >> 16)) + Math.abs(g - ((bg >> 8) & 255)) + Math.abs(b - (bg & 255)) > 30) differ++;
  }
  return { nonBackground: differ / n, distinct: counts.size };
}

/**
 * Class counts computed here from the CSV's close column, independently of the engine: the label of date t is
 * up if close[t+H]/close[t]-1 > up, down if < down, else flat; the last H dates are unlabeled.
 */
export function expectedCounts(
  csvFile: string,
  horizonDays: number,
  up: number,
  down: number,
  from?: string,
) {
  const lines = readFileSync(csvFile, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const di = header.indexOf('date');
  const ci = header.indexOf('close');
  const rows = lines.slice(1).map((l) => l.split(','));
  const dates = rows.map((r) => r[di]);
  const close = rows.map((r) => Number(r[ci]));
  const c = { down: 0, flat: 0, up: 0, unlabeled: 0 };
  for (let t = 0; t < close.length; t++) {
    if (from && dates[t] < from) continue;
    if (t + horizonDays >= close.length) {
      c.unlabeled++;
      continue;
    }
    const r = close[t + horizonDays] / close[t] - 1;
    if (r > up) c.up++;
    else if (r < down) c.down++;
    else c.flat++;
  }
  return c;
}
