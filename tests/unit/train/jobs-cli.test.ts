/**
 * `factor-inception study --jobs 2` through the real command line: two child processes train the folds and the
 * parent scores the study from the cache, training none itself (that the numbers equal a one-process run's is
 * tests/unit/eval/study-shard.test.ts); Ctrl-C on the parent stops the children and leaves the study
 * 'cancelled', SIGTERM takes the children with it. Flag parsing by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJobs, parseShard, withoutJobs } from '../../../src/cli/jobs';
import { cli } from '../../helpers/cli';
import { dailyDir } from '../../helpers/data';
import { tinyStudy } from '../../helpers/tiny-study';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cfg = path.join(tmp, 'tiny.json');
writeFileSync(cfg, JSON.stringify(tinyStudy({ seeds: [1, 2] })));

/** `study --jobs 2` on the tiny config into `out`, to its end. */
async function jobsStudy(out: string) {
  const c = cli(['study', '--config', cfg, '--out', out, '--data', dailyDir(), '--jobs', '2'], { cwd: tmp });
  const code = await c.code;
  return { code, lines: c.lines, err: c.err() };
}

/** The same, sent `sig` as soon as it has started its jobs. */
async function stoppedAtStart(out: string, sig: NodeJS.Signals) {
  const c = cli(['study', '--config', cfg, '--out', out, '--data', dailyDir(), '--jobs', '2'], { cwd: tmp });
  await c.waitFor((l) => l.includes('jobs train the folds at once'));
  c.signal(sig);
  return { code: await c.code, lines: c.lines };
}

/** Processes whose command line holds `text` (the children of a --jobs run into a given folder). */
const processesWith = (text: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(text) && l.includes('--shard'));

// child processes of the CLI: minutes on a loaded 2-core machine
describe('study --jobs', { timeout: 600_000 }, () => {
  it('parses --jobs and --shard and drops --jobs from the children’s command line', () => {
    expect(parseJobs(undefined)).toBe(1);
    expect(parseJobs('3')).toBe(3);
    for (const bad of ['0', '1.5', 'two', '65']) expect(() => parseJobs(bad)).toThrow(/--jobs must be/);
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    for (const bad of ['2/2', '1', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard must be/);
    expect(withoutJobs(['study', '--jobs', '2', '--out', 'x', '--jobs=3'])).toEqual(['study', '--out', 'x']);
  });

  it('two jobs train the folds and the parent scores them from the cache', async () => {
    const out = path.join(tmp, 'jobs');
    const r = await jobsStudy(out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const text = r.lines.join('\n');
    expect(text).toContain('2 jobs train the folds at once (1 native-kernel thread(s) each)');
    const trainedBy = (j: number) =>
      r.lines.filter((l) => l.startsWith(`[job ${j}/2] `) && /_f\d+: \d+ epochs/.test(l)).length;
    expect(trainedBy(1)).toBeGreaterThan(0);
    expect(trainedBy(2)).toBeGreaterThan(0);
    expect(text).toMatch(/\[jobs: (\d+)\/\1 folds/);
    const total = trainedBy(1) + trainedBy(2);
    expect(text).toContain(`(0 folds trained, ${total} cached`);
    // the jobs' last count is the whole study, also when every fold comes from the cache (a rerun)
    const lastCount = (lines: string[]) => lines.filter((l) => l.startsWith('[jobs: ')).at(-1);
    expect(lastCount(r.lines)).toMatch(new RegExp(`^\\[jobs: ${total}/${total} folds`));
    const again = await jobsStudy(out);
    expect(again.code).toBe(0);
    expect(lastCount(again.lines)).toMatch(new RegExp(`^\\[jobs: ${total}/${total} folds`));
    expect(again.lines.join('\n')).toContain(`(0 folds trained, ${total} cached`);
    expect(processesWith(out)).toEqual([]);

    // the children's epochs are merged into the study's epochs.jsonl (one epoch a fold here), their files gone
    const epochs = readFileSync(path.join(out, 'epochs.jsonl'), 'utf8').trim().split('\n');
    expect(new Set(epochs.map((l) => JSON.parse(l).fold)).size).toBe(total);
    expect(readdirSync(out).filter((f) => f.startsWith('epochs.shard-'))).toEqual([]);
    // the scores equal a one-process run's: tests/unit/eval/study-shard.test.ts
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).cells).toHaveLength(2);
  });

  it('Ctrl-C on the parent stops every job and leaves the study cancelled, resumable', async () => {
    const out = path.join(tmp, 'stopped');
    const r = await stoppedAtStart(out, 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.lines.join('\n')).toContain('cancelled: finished folds are kept');
    expect(JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8')).status).toBe('cancelled');
    expect(processesWith(out)).toEqual([]);
  });

  it('SIGTERM on the parent terminates the jobs too (they run in their own process group)', async () => {
    const out = path.join(tmp, 'terminated');
    const r = await stoppedAtStart(out, 'SIGTERM');
    expect(r.code).toBe(143);
    // the children get SIGTERM as the parent exits; give them a moment to go
    for (let i = 0; i < 50 && processesWith(out).length; i++) await new Promise((d) => setTimeout(d, 100));
    expect(processesWith(out)).toEqual([]);
  });
});
