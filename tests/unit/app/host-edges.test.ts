/**
 * What a token holder can and cannot do through the web host (issue 16, items 2 and 8): no file outside the run
 * reports, no folder deleted that is not a run of the runs folder, no folder created by a setting; bad
 * percent-encoding, bad requests and oversized bodies answered with a JSON error and a 4xx status; requests of
 * another origin refused.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareHost } from '../../helpers/host';
import type { Host } from '../../../src/host/server';
import { FOLDER_MARKER } from '../../../src/main/training/train/runs';
import { MAX_REQUEST_BYTES } from '../../../src/shared/ipc-contract';

let tmp: string;
let host: Host;
let base: string;
const H = { 'x-access-token': 'tok', 'content-type': 'application/json' };
const marker = (kind: 'train' | 'study') =>
  JSON.stringify({ format: 'factor-inception-folder', kind, createdAt: '2026-01-01T00:00:00Z' });

const post = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: { ...H, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-edges-'));
  ({ host, base } = await startBareHost(tmp, 'tok'));
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('web host: what a token holder cannot reach', () => {
  it('dataDir "/" does not expose /etc/passwd: the data folder is not served at all', async () => {
    expect((await post('settings.set', { dataDir: '/' })).status).toBe(200);
    for (const p of ['/files/data/etc/passwd', '/files/data/etc/hostname', '/files/runs/../../etc/passwd']) {
      const r = await fetch(`${base}${p}?token=tok`);
      expect(r.status, p).toBe(404);
      expect(await r.text()).not.toContain('root:');
    }
    await post('settings.set', { dataDir: path.join(tmp, 'home', 'data') });
  });

  it('serves a run report, and nothing else of the runs folder', async () => {
    const runs = path.join(tmp, 'home', 'runs');
    mkdirSync(path.join(runs, 's1'), { recursive: true });
    writeFileSync(path.join(runs, 's1', FOLDER_MARKER), marker('study'));
    writeFileSync(path.join(runs, 's1', 'report.html'), '<p>ok</p>');
    writeFileSync(path.join(runs, 's1', 'predictions.csv'), 'date\n');
    mkdirSync(path.join(runs, 'foreign'));
    writeFileSync(path.join(runs, 'foreign', 'report.html'), '<p>not a run</p>');
    expect((await fetch(`${base}/files/runs/s1/report.html?token=tok`)).status).toBe(200);
    expect((await fetch(`${base}/files/runs/s1/predictions.csv?token=tok`)).status).toBe(404);
    expect((await fetch(`${base}/files/runs/foreign/report.html?token=tok`)).status).toBe(404);
    expect((await fetch(`${base}/files/runs/s1/FACTOR-INCEPTION.JSON?token=tok`)).status).toBe(404);
  });

  it('runs.delete removes only marked run folders directly inside the runs folder', async () => {
    const outside = path.join(tmp, 'precious');
    mkdirSync(path.join(outside, 'keep'), { recursive: true });
    writeFileSync(path.join(outside, 'keep', 'thesis.tex'), 'years of work');
    // the attack of the issue: point runsDir at some folder, then delete one of its folders
    expect((await post('settings.set', { runsDir: outside })).status).toBe(200);
    const r = await post('runs.delete', { runId: 'keep' });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: string }).error).toMatch(
      /keep is not a run or study folder made by this program .*nothing deleted/,
    );
    expect(readFileSync(path.join(outside, 'keep', 'thesis.tex'), 'utf8')).toBe('years of work');
    // a link to a marked run elsewhere is not followed either
    const elsewhere = path.join(tmp, 'elsewhere-run');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, FOLDER_MARKER), marker('train'));
    symlinkSync(elsewhere, path.join(outside, 'link'));
    expect((await post('runs.delete', { runId: 'link' })).status).toBe(422);
    expect(existsSync(path.join(elsewhere, FOLDER_MARKER))).toBe(true);
    // a marked folder in the runs folder is deleted
    mkdirSync(path.join(outside, 'a-run'));
    writeFileSync(path.join(outside, 'a-run', FOLDER_MARKER), marker('train'));
    const ok = await post('runs.delete', { runId: 'a-run' });
    expect(ok.status).toBe(200);
    expect(existsSync(path.join(outside, 'a-run'))).toBe(false);
    await post('settings.set', { runsDir: path.join(tmp, 'home', 'runs') });
  });

  it('settings.set creates no folder (no mkdir -p of a path a caller names)', async () => {
    const target = path.join(tmp, 'made', 'by', 'request');
    const r = await post('settings.set', { runsDir: target });
    expect(r.status).toBe(422);
    expect(existsSync(path.join(tmp, 'made'))).toBe(false);
  });
});

describe('web host: edges of the HTTP layer', () => {
  it('bad percent-encoding in the channel name is a 400 with a JSON error, not a 500', async () => {
    const r = await post('%E0%A4%A', {});
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      ok: false,
      error: 'The channel name in /api/%E0%A4%A is not valid percent-encoding.',
      kind: 'invalid-request',
    });
  });

  it('answers each kind of failure with its status and the envelope', async () => {
    const cases: [string, unknown, number, string][] = [
      ['nope.nothing', {}, 404, 'unknown-channel'],
      ['runs.get', { runId: '../x' }, 400, 'invalid-request'],
      ['runs.get', { runId: 'missing' }, 422, 'refused'],
      ['data.list', '{not json', 400, 'invalid-request'],
    ];
    for (const [channel, body, status, kind] of cases) {
      const r = await post(channel, body);
      expect(r.status, channel).toBe(status);
      const env = (await r.json()) as { ok: boolean; kind?: string; error?: string };
      expect(env.ok).toBe(false);
      if (channel !== 'data.list') expect(env.kind).toBe(kind);
      expect(env.error).toBeTruthy();
    }
    const get = await fetch(`${base}/api/data.list`, { headers: H });
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: string }).error).toBe('Use POST for API calls.');
    expect((await post('data.list', {})).status).toBe(200);
  });

  it('a body above the limit gets a JSON 413, with or without a content-length, and the host stays up', async () => {
    const big = Buffer.alloc(MAX_REQUEST_BYTES + 1024 * 1024, 0x20);
    const r = await fetch(`${base}/api/data.import`, { method: 'POST', headers: H, body: big });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toMatch(/^Request larger than 64 MB/);
    const chunks = 80;
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < chunks; i++) c.enqueue(new Uint8Array(1024 * 1024));
        c.close();
      },
    });
    const r2 = await fetch(`${base}/api/data.import`, {
      method: 'POST',
      headers: H,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(r2.status).toBe(413);
    expect((await post('data.list', {})).status).toBe(200);
  });

  it('a request of another origin is refused even with the token; our own origin is accepted', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`]) {
      const r = await post('data.list', {}, { origin });
      expect(r.status, origin).toBe(403);
      expect(((await r.json()) as { error: string }).error).toBe(`Requests from ${origin} are not accepted.`);
    }
    expect((await post('data.list', {}, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await post('data.list', {}, { origin: `http://localhost:${host.port}` })).status).toBe(200);
  });

  it('a wrong Host header on the API is answered in JSON too', async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/data.list',
          method: 'POST',
          headers: { ...H, host: 'evil.example' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(r.status).toBe(421);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: 'Wrong host.' });
  });
});

describe('the http client reads every answer of the host', () => {
  it('unwraps the envelope of a 4xx answer into its error, and names the status of a non-JSON one', async () => {
    const { envelopeOf } = await import('../../../src/renderer/src/api/envelope');
    const refused = await envelopeOf(
      new Response(JSON.stringify({ ok: false, error: 'Run x does not exist', kind: 'refused' }), {
        status: 422,
      }),
    );
    expect(refused).toEqual({ ok: false, error: 'Run x does not exist', kind: 'refused' });
    expect(await envelopeOf(new Response('<html>Bad gateway</html>', { status: 502 }))).toEqual({
      ok: false,
      error: 'The workstation host answered HTTP 502: <html>Bad gateway</html>.',
    });
    expect(await envelopeOf(new Response('', { status: 401 }))).toEqual({
      ok: false,
      error: 'Access token missing or wrong: open the URL the host printed.',
    });
    // a real 413 of the host, through the client's reader
    const big = Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20);
    const env = await envelopeOf(
      await fetch(`${base}/api/data.import`, { method: 'POST', headers: H, body: big }),
    );
    expect(env.ok).toBe(false);
    expect((env as { error: string }).error).toMatch(/^Request larger than 64 MB/);
  });
});
