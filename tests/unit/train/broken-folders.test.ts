/**
 * One malformed run or study folder never breaks the Runs list (issue 16, item 3): every readable folder is
 * listed as it is, each broken one is listed as broken with the file and field that cannot be read, and opening
 * it gives the same reason. The malformed contents are the ([1,2,3], {"config": null}, "createdAt": 7)
 * and the other ways a file of a folder can go wrong.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRunSummaries, readRunDetail } from '../../../src/main/services/runs-service';
import { defaultStudyConfig } from '../../../src/main/services/study-service';
import { appStudyOf, studyOfApp } from '../../../src/main/training/eval/study-config';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { listRuns } from '../../../src/main/training/train/run-folders';
import {
  createRun,
  setRunStatus,
  STUDY_FILE,
  writeFolderMarker,
} from '../../../src/main/training/train/runs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-broken-'));
const runs = path.join(tmp, 'runs');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const backend = { name: 'cpu', requested: 'cpu', tfjsVersion: '4.22.0', threads: 1 };
const meta = { dataDir: '/data', fingerprint: { files: [], params: 'p', combined: 'c' }, backend };

function run(name: string): string {
  const dir = createRun(runs, name, parseRunConfig({}), meta);
  setRunStatus(dir, { status: 'finished', epoch: 0 });
  return dir;
}

function study(name: string): string {
  const dir = path.join(runs, name);
  mkdirSync(dir, { recursive: true });
  writeFolderMarker(dir, 'study');
  writeFileSync(
    path.join(dir, STUDY_FILE),
    JSON.stringify(appStudyOf(studyOfApp(defaultStudyConfig(), dir))),
  );
  setRunStatus(dir, { status: 'cancelled' });
  return dir;
}

/** name -> [file to spoil, its content, what the reason must say] */
const spoiled: Record<string, [string, string, RegExp]> = {
  'run-array': [
    'run.json',
    '[1,2,3]',
    /run\.json, field '\(root\)': Invalid input: expected object, received array/,
  ],
  'run-config-null': [
    'run.json',
    '{"config": null}',
    /run\.json, field 'name': Invalid input: expected string/,
  ],
  'run-created-7': [
    'run.json',
    'CREATED7',
    /run\.json, field 'createdAt': Invalid input: expected string, received number/,
  ],
  'config-empty-object': [
    'config.json',
    '{}',
    /config\.json, field 'dataset': Invalid input: expected object/,
  ],
  'config-truncated': [
    'config.json',
    '{"dataset": {"target": "0003',
    /config\.json, line 1: is not valid JSON/,
  ],
  'status-binary': ['status.json', '\u0000\u0001\u0002', /status\.json, line 1: is not valid JSON/],
  'status-wrong': [
    'status.json',
    '{"status": "exploded", "updatedAt": "x"}',
    /status\.json, field 'status': Invalid option/,
  ],
  'metrics-torn': [
    'metrics.jsonl',
    '{"epoch":1,"loss":1,"accuracy":0.3,"learningRate":0.001,"seconds":1}\n{"epoch":2,"lo',
    /metrics\.jsonl, line 2: is not a JSON line/,
  ],
  'evaluation-empty': [
    'evaluation.json',
    '{}',
    /evaluation\.json, field 'fold': Invalid input: expected object/,
  ],
  'study-empty': [STUDY_FILE, '{}', /./],
  'study-summary-array': [
    'summary.json',
    '[1]',
    /summary\.json, field '\(root\)': Invalid input: expected object/,
  ],
};

beforeAll(() => {
  run('good-run');
  study('good-study');
  for (const [name, [file, content]] of Object.entries(spoiled)) {
    const dir = file === STUDY_FILE || file === 'summary.json' ? study(name) : run(name);
    if (file === 'run.json' && content === 'CREATED7') {
      const m = { ...meta, name, createdAt: 7, versions: { node: 'v', tfjs: 't', app: 'a' } };
      writeFileSync(path.join(dir, file), JSON.stringify(m));
    } else writeFileSync(path.join(dir, file), content);
  }
  // neither a run nor a study, a dangling link and a plain file: listed as unknown or left out, never fatal
  mkdirSync(path.join(runs, 'holiday-photos'));
  symlinkSync(path.join(tmp, 'gone'), path.join(runs, 'dangling'));
  writeFileSync(path.join(runs, 'notes.txt'), 'x');
});

describe('runs list with broken folders', () => {
  it('lists every readable folder as it is and every broken one as broken, with the file and field', () => {
    const list = listRunSummaries(runs);
    const byId = new Map(list.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual(
      ['good-run', 'good-study', 'holiday-photos', ...Object.keys(spoiled)].sort(),
    );
    expect(byId.get('good-run')).toMatchObject({ kind: 'train', status: 'finished' });
    expect(byId.get('good-study')).toMatchObject({ kind: 'study', status: 'cancelled' });
    expect(byId.get('holiday-photos')).toMatchObject({ kind: 'unknown', status: 'unknown' });
    for (const [name, [file, , reason]] of Object.entries(spoiled)) {
      const r = byId.get(name)!;
      expect(r.status, name).toBe('broken');
      expect(r.kind, name).toBe(file === STUDY_FILE || file === 'summary.json' ? 'study' : 'train');
      expect(r.message, name).toContain(path.join(runs, name, file));
      expect(r.message, name).toMatch(reason);
    }
  });

  it('opening a broken folder gives the same reason', () => {
    expect(() => readRunDetail(path.join(runs, 'run-created-7'))).toThrow(
      /run\.json, field 'createdAt': Invalid input: expected string, received number/,
    );
  });

  it('the command line lists them too, broken ones with their reason', () => {
    const list = listRuns(runs);
    expect(list.find((r) => r.name === 'good-run')).toMatchObject({ status: 'finished', kind: 'train' });
    const broken = list.find((r) => r.name === 'run-array')!;
    expect(broken).toMatchObject({ status: 'broken', kind: 'train' });
    expect(broken.message).toMatch(/run\.json, field '\(root\)'/);
  });
});
