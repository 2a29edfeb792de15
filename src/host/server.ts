/**
 * The web host: the renderer build and the IPC contract served by a small Node HTTP server bound to 127.0.0.1,
 * guarded by a random access token (in the printed URL; every API call must carry it). Requests go through the
 * same dispatcher as Electron main; events stream over Server-Sent Events. Files are served only from the
 * renderer build, the data directory and the runs directory.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BROWSER_LOCAL_CHANNELS, type EventName, type Events } from '../shared/ipc-contract';
import type { AppContext } from '../main/ipc/context';
import type { Dispatcher } from '../main/ipc/dispatch';
import { createHostDispatcher } from '../main/ipc/handlers';
import { workerCompute, type ComputeHandle } from '../main/services/compute';
import { appJobService, type JobService, type WorkerHandle } from '../main/services/jobs';
import type { SettingsAccess } from '../main/services/settings-file';
import { safeResolve } from './safe-path';

export const TOKEN_HEADER = 'x-access-token';
const COOKIE = 'fi_token';
const MAX_BODY = 256 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The renderer's Content-Security-Policy (the same as Electron's): no remote code, no inline scripts. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export interface HostOptions {
  rendererDir: string;
  settings: SettingsAccess;
  spawnWorker: () => WorkerHandle;
  /** Starts a compute worker (datasets, plans, saliency); default: in this process. */
  spawnCompute?: () => ComputeHandle;
  port?: number;
  token?: string;
  version?: string;
}

export interface Host {
  url: string;
  token: string;
  port: number;
  dispatcher: Dispatcher;
  jobs: JobService;
  /** The settings file the host reads and writes (shared with the desktop app). */
  settingsFile: string;
  close(): Promise<void>;
}

function tokenOk(expected: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const b = Buffer.from(given);
  return b.length === expected.length && timingSafeEqual(b, expected);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)fi_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function serveFile(res: http.ServerResponse, file: string, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  createReadStream(file).pipe(res);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`Request larger than ${MAX_BODY / 1024 / 1024} MB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the host; resolves once it listens. Port 0 picks a free port. */
export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const clients = new Set<http.ServerResponse>();
  let port = 0;

  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    const data = `event: message\ndata: ${JSON.stringify({ event, payload })}\n\n`;
    for (const c of clients) c.write(data);
  };
  const jobs = appJobService(opts.spawnWorker, opts.settings, emit);
  const compute = opts.spawnCompute ? workerCompute(opts.spawnCompute) : undefined;
  const ctx: AppContext = {
    host: 'web',
    version: opts.version ?? '0.0.0',
    settings: opts.settings,
    jobs,
    compute,
    emit,
    openReport: async (file) => {
      const runsDir = opts.settings.get().runsDir;
      const rel = path.relative(runsDir, file).split(path.sep).map(encodeURIComponent).join('/');
      return { opened: false, url: `/files/runs/${rel}` };
    },
  };
  const dispatcher = createHostDispatcher(ctx);
  for (const c of BROWSER_LOCAL_CHANNELS)
    if (dispatcher.channels().includes(c)) throw new Error(`${c} must stay browser-local`);

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      // DNS-rebinding guard: only our own host name is accepted
      const hostHeader = req.headers.host ?? '';
      if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`)
        return send(res, 421, 'Wrong host.');
      const given =
        (req.headers[TOKEN_HEADER] as string | undefined) ??
        url.searchParams.get('token') ??
        cookieToken(req);
      const authorised = tokenOk(expected, given ?? undefined);
      const p = url.pathname;

      if (p.startsWith('/api/')) {
        if (!authorised)
          return send(
            res,
            401,
            JSON.stringify({
              ok: false,
              error: 'Missing or wrong access token: open the URL the host printed.',
            }),
            'application/json',
          );
        if (p === '/api/events' && req.method === 'GET') {
          res.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-store',
            connection: 'keep-alive',
          });
          res.write(': connected\n\n');
          clients.add(res);
          req.on('close', () => clients.delete(res));
          return;
        }
        if (req.method !== 'POST') return send(res, 405, 'Use POST for API calls.');
        // a cross-site form cannot send JSON with a custom header; requiring both keeps CSRF out
        if (!req.headers[TOKEN_HEADER])
          return send(
            res,
            403,
            JSON.stringify({ ok: false, error: `API calls must send the ${TOKEN_HEADER} header.` }),
            'application/json',
          );
        const channel = decodeURIComponent(p.slice('/api/'.length));
        let payload: unknown;
        try {
          const body = await readBody(req);
          payload = body ? JSON.parse(body) : {};
        } catch (err) {
          return send(
            res,
            400,
            JSON.stringify({ ok: false, error: `Request body is not JSON: ${(err as Error).message}` }),
            'application/json',
          );
        }
        const envelope = await dispatcher.dispatch(channel, payload);
        return send(res, 200, JSON.stringify(envelope), 'application/json; charset=utf-8');
      }

      if (!authorised)
        return send(
          res,
          401,
          'This workstation needs its access token: open the full URL the host printed (it ends in ?token=...).',
        );
      const cookie = { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };

      if (p.startsWith('/files/')) {
        const [, , area, ...rest] = p.split('/');
        const s = opts.settings.get();
        const root = area === 'runs' ? s.runsDir : area === 'data' ? s.dataDir : undefined;
        if (!root || !existsSync(root)) return send(res, 404, 'Not found.');
        const file = safeResolve(root, rest.join('/'));
        if (!file) return send(res, 404, 'Not found.');
        // reports are self-contained HTML with inline scripts; a sandbox keeps them away from the token cookie and API
        return serveFile(res, file, {
          'content-security-policy': "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data: blob:",
        });
      }

      const rel = p === '/' ? 'index.html' : p.slice(1);
      const file = safeResolve(opts.rendererDir, rel);
      if (!file) return send(res, 404, 'Not found.');
      return serveFile(res, file, { ...cookie, 'content-security-policy': CSP, 'x-frame-options': 'DENY' });
    } catch (err) {
      send(res, 500, `Host error: ${(err as Error).message}`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const s = opts.settings.get();
  mkdirSync(s.dataDir, { recursive: true });
  mkdirSync(s.runsDir, { recursive: true });
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    dispatcher,
    jobs,
    settingsFile: opts.settings.file,
    async close() {
      jobs.cancelAll();
      compute?.close();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
