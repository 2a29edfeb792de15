/**
 * The fault-injection suite's fuzzing: seeded random payloads (wrong types, missing and extra fields, deep and
 * odd values, field names every channel uses) sent over HTTP to every channel of the contract the web host serves.
 * Not one may be answered with a 5xx or a body that is not the JSON envelope, and the host must answer app.info
 * afterwards. The suite prints its counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareHost } from '../../helpers/host';
import type { Host } from '../../../src/host/server';
import { Prng } from '../../../src/main/training/random';
import { BROWSER_LOCAL_CHANNELS, CHANNELS } from '../../../src/shared/ipc-contract';

let tmp: string;
let host: Host;
let base: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-fuzz-'));
  ({ host, base } = await startBareHost(tmp, 'tok'));
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

const KEYS = [
  'dir',
  'runId',
  'jobId',
  'date',
  'dataset',
  'config',
  'kind',
  'files',
  'code',
  'name',
  'dataDir',
  'x',
];

/** A random JSON value, at most `depth` levels deep. */
function value(rng: Prng, depth: number): unknown {
  const pick = rng.int(depth > 0 ? 9 : 7);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return [0, -1, 1e308, -0.5, 2 ** 53, 7][rng.int(6)];
    case 3:
      return ['', '../..', '/etc/passwd', '2023-02-30', 'x'.repeat(5000), '\u0000', '%E0%A4%A', 'latest'][
        rng.int(8)
      ];
    case 4:
      return 'NaN';
    case 5:
      return {};
    case 6:
      return [];
    case 7:
      return Array.from({ length: rng.int(4) }, () => value(rng, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let k = rng.int(4); k >= 0; k--) o[KEYS[rng.int(KEYS.length)]] = value(rng, depth - 1);
      return o;
    }
  }
}

describe('every channel fuzzed over HTTP', () => {
  it('answers every random payload with the JSON envelope and never a 5xx, and stays up', async () => {
    const channels = CHANNELS.filter((c) => !(BROWSER_LOCAL_CHANNELS as readonly string[]).includes(c));
    const rng = new Prng(20261202);
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const channel of channels)
      for (let k = 0; k < 25; k++) {
        const body = k === 0 ? '{not json' : JSON.stringify(value(rng, 3));
        const res = await fetch(`${base}/api/${channel}`, {
          method: 'POST',
          headers: { 'x-access-token': 'tok', 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${channel} ${body.slice(0, 120)}: ${text.slice(0, 200)}`).toBeLessThan(500);
        const env = JSON.parse(text) as { ok: boolean };
        expect(typeof env.ok).toBe('boolean');
      }
    const info = await fetch(`${base}/api/app.info`, {
      method: 'POST',
      headers: { 'x-access-token': 'tok', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(info.status).toBe(200);
    console.log(
      `fuzzing: ${sent} payloads over ${channels.length} channels, statuses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}, no 5xx, host up`,
    );
  }, 300_000);
});
