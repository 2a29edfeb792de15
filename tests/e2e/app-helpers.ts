/// <reference lib="dom" />
/**
 * Pieces of the Training, Runs, signal and Chinese-words browser tests: a host whose data folder holds the real
 * daily files and whose saved setup is a tiny one (so the views start from it without driving the Study view),
 * jobs run through the host, and what a chart drew (its text boxes and series), read from its ECharts instance.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { AppStudyConfig, JobKind, JobState } from '../../src/shared/ipc-contract';
import { ablationFor } from '../../src/shared/config';
import { defaultStudyConfig } from '../../src/main/services/study-service';
import { dailyFile } from '../helpers/data';
import { startTestHost, type TestHost } from './helpers';

export const CODES = ['000300', '000001', '000905', '399006'];

/** A setup that trains in seconds: 2021 on, 20-day images, a small CNN, 3 epochs, short folds. */
export function tinySetup(channels = ['000300'], testDays = 60): AppStudyConfig {
  const base = defaultStudyConfig();
  return {
    ...base,
    name: 'tiny',
    dataset: { ...base.dataset, from: '2021-01-04', channels, lookbackDays: 20 },
    model: { ...base.model, preset: 'cnn' },
    train: { ...base.train, epochs: 3 },
    walkForward: { ...base.walkForward, trainDays: 300, testDays },
    ablation: ablationFor(channels, base.dataset.layout),
  };
}

/** A web host whose data folder holds copies of the real daily files (or `dataDir`), set up with `setup`. */
export async function startHostWith(setup: AppStudyConfig, dataDir?: string): Promise<TestHost> {
  const th = await startTestHost();
  if (dataDir) await call(th, 'settings.set', { dataDir });
  else {
    mkdirSync(th.dataDir, { recursive: true });
    for (const c of CODES) copyFileSync(dailyFile(c), path.join(th.dataDir, `${c}.csv`));
  }
  await call(th, 'settings.set', { lastStudyConfig: setup });
  return th;
}

/** A request through the host's dispatcher (what the page's API does over HTTP). */
export async function call<T = unknown>(th: TestHost, channel: string, req: unknown): Promise<T> {
  const r = await th.host.dispatcher.dispatch(channel, req);
  if (!r.ok) throw new Error(r.error);
  return r.value as T;
}

/** Starts a job through the host and waits until it has ended. */
export async function runJob(
  th: TestHost,
  kind: JobKind,
  setup: AppStudyConfig,
  timeoutMs = 240_000,
): Promise<JobState> {
  const j = await call<JobState>(th, 'training.start', { kind, config: setup });
  return waitJob(th, j.id, (s) => s.status !== 'queued' && s.status !== 'running', timeoutMs);
}

export async function waitJob(
  th: TestHost,
  id: string,
  until: (j: JobState) => boolean,
  timeoutMs = 240_000,
): Promise<JobState> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = th.host.jobs.list().find((x) => x.id === id);
    if (!j) throw new Error(`job ${id} is gone`);
    if (until(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TextBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every text a chart drew, with its box on the canvas (from the zrender display list of its instance). */
export function chartTexts(page: Page, selector: string): Promise<TextBox[]> {
  return page.evaluate((sel) => {
    type El = {
      style?: { text?: string };
      invisible?: boolean;
      ignore?: boolean;
      getBoundingRect(): {
        clone(): { applyTransform(m: unknown): void; x: number; y: number; width: number; height: number };
      };
      transform?: unknown;
    };
    const host = document.querySelector(sel)?.closest('.echart') ?? document.querySelector(`${sel} .echart`);
    const inst = (
      host as unknown as { __chart?: { getZr(): { storage: { getDisplayList(u: boolean): El[] } } } }
    )?.__chart;
    if (!inst) return [];
    return inst
      .getZr()
      .storage.getDisplayList(true)
      .filter(
        (e) => typeof e.style?.text === 'string' && e.style.text.trim() !== '' && !e.invisible && !e.ignore,
      )
      .map((e) => {
        const r = e.getBoundingRect().clone();
        if (e.transform) r.applyTransform(e.transform);
        return { text: e.style!.text!, x: r.x, y: r.y, width: r.width, height: r.height };
      });
  }, selector);
}

/** Points of each series of a chart, by series name (ECharts' '-' gaps left out). */
export function chartSeries(page: Page, selector: string): Promise<Record<string, [number, number][]>> {
  return page.evaluate((sel) => {
    const host = document.querySelector(sel)?.closest('.echart') ?? document.querySelector(`${sel} .echart`);
    const inst = (
      host as unknown as {
        __chart?: { getOption(): { series: { name: string; data: unknown[] }[] } };
      }
    )?.__chart;
    const out: Record<string, [number, number][]> = {};
    for (const s of inst?.getOption().series ?? [])
      out[s.name] = (s.data as [number, number | string][]).filter((d) => typeof d[1] === 'number') as [
        number,
        number,
      ][];
    return out;
  }, selector);
}

/** Pairs of text boxes that overlap by more than a pixel each way. */
export function overlaps(boxes: TextBox[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 1 && h > 1) out.push([a.text, b.text]);
    }
  return out;
}
