/**
 * The web host serves files only from the renderer build, the data folder and the runs folder, and only with
 * the access token. Raw HTTP requests (no client-side URL normalisation) try to escape with ../, encoded dots
 * and slashes, absolute paths, backslashes and symlinks.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../src/host/server';
import { safeResolve } from '../../../src/host/safe-path';
import { confSettings } from '../../../src/main/services/settings-file';

let tmp: string;
let host: Host;
const SECRET = 'TOP-SECRET-CONTENT';

function raw(
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: p,
        method: 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-sec-'));
  const renderer = path.join(tmp, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>ok</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
  const home = path.join(tmp, 'home');
  const settings = confSettings(home);
  host = await startHost({
    rendererDir: renderer,
    settings,
    spawnWorker: () => {
      throw new Error('none');
    },
    token: 'tok123',
  });
  const runs = settings.get().runsDir;
  mkdirSync(path.join(runs, 'r1'), { recursive: true });
  writeFileSync(path.join(runs, 'r1', 'report.html'), '<p>report</p>');
  // the marker a study folder gets when it is created: only run and study folders' reports are served
  writeFileSync(
    path.join(runs, 'r1', 'factor-inception.json'),
    JSON.stringify({ format: 'factor-inception-folder', kind: 'study', createdAt: '2026-01-01T00:00:00Z' }),
  );
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(runs, 'r1', 'link.txt'));
  symlinkSync(tmp, path.join(runs, 'outside'));
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

const T = 'token=tok123';

describe('web host: token', () => {
  it('serves the page with the token and sets a same-site cookie; refuses without', async () => {
    const ok = await raw(`/?${T}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>ok</title>');
    expect(String(ok.headers['set-cookie'])).toMatch(/fi_token=tok123; HttpOnly; SameSite=Strict/);
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    expect((await raw('/assets/app.js', { cookie: 'fi_token=tok123' })).status).toBe(200);
  });

  it('API calls need the token header (a cookie alone is not enough) and POST', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${host.port}/api/data.list`, { method: 'POST', body: '{}', headers });
    expect((await post({})).status).toBe(401);
    expect((await post({ cookie: 'fi_token=tok123' })).status).toBe(403);
    const ok = await post({ 'x-access-token': 'tok123' });
    expect(await ok.json()).toEqual({ ok: true, value: [] });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await raw(`/?${T}`, { host: 'evil.example:80' })).status).toBe(421);
  });
});

describe('web host: path traversal', () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/files/runs/../../secret.txt',
    '/files/runs/%2e%2e/%2e%2e/secret.txt',
    '/files/runs/r1/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
    '/files/runs/r1/link.txt',
    '/files/runs/outside/secret.txt',
    '/files/data/../home/config.json',
    '/files/etc/passwd',
    `/files/runs/${encodeURIComponent('/etc/passwd')}`,
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/files/runs/r1/%00report.html',
  ];
  for (const p of attempts) {
    it(`refuses ${p}`, async () => {
      const sep = p.includes('?') ? '&' : '?';
      const r = await raw(`${p}${sep}${T}`);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain(SECRET);
      expect(r.body).not.toContain('root:');
    });
  }

  it('still serves a real report inside the runs folder, sandboxed', async () => {
    const r = await raw(`/files/runs/r1/report.html?${T}`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('<p>report</p>');
    expect(r.headers['content-security-policy']).toMatch(/^sandbox/);
  });

  it('safeResolve refuses what leaves the root and accepts what stays', () => {
    const root = path.join(tmp, 'renderer');
    expect(safeResolve(root, 'assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    for (const bad of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      '/etc/passwd',
      'assets/../../secret.txt',
      'C:/x',
      'assets',
      '%E0%A4%A',
    ])
      expect(safeResolve(root, bad), bad).toBeUndefined();
  });
});
