/**
 * The web host: the renderer build and the IPC contract served by a small Node HTTP server bound to 127.0.0.1,
 * guarded by a random access token (in the printed URL; every API call must carry it). Requests go through the
 * same dispatcher as Electron main; events stream over Server-Sent Events. Files are served only from the
 * renderer build, the data directory and the runs directory.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, realpathSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  BROWSER_LOCAL_CHANNELS,
  MAX_REQUEST_BYTES,
  type Envelope,
  type EventName,
  type Events,
  type FailureKind,
} from '../shared/ipc-contract';
import type { AppContext } from '../main/ipc/context';
import type { Dispatcher } from '../main/ipc/dispatch';
import { createHostDispatcher } from '../main/ipc/handlers';
import { workerCompute, type ComputeHandle } from '../main/services/compute';
import { appJobService, type JobService, type WorkerHandle } from '../main/services/jobs';
import type { SettingsAccess } from '../main/services/settings-file';
import { cleanInterruptedWrites } from '../main/services/startup';
import { markedFolderKind } from '../main/training/train/runs';
import { safeResolve } from './safe-path';

export const TOKEN_HEADER = 'x-access-token';
const COOKIE = 'fi_token';

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
  /** Temp files of interrupted writes removed at start. */
  cleaned: string[];
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
  const stream = createReadStream(file);
  // a file removed between the check and the read: answer 404 instead of crashing on the stream's error
  stream.once('error', () => {
    if (!res.headersSent) send(res, 404, 'Not found.');
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      ...extraHeaders,
    });
    stream.pipe(res);
  });
}

/** A JSON answer of the API: the envelope's shape also for refusals made before the dispatcher. */
function sendJson(res: http.ServerResponse, status: number, body: Envelope<unknown>, extra = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

const refuse = (error: string, kind: FailureKind = 'invalid-request'): Envelope<never> => ({
  ok: false,
  error,
  kind,
});

/** HTTP status of a failed request, by kind. */
export const STATUS_OF: Record<FailureKind, number> = {
  'unknown-channel': 404,
  'invalid-request': 400,
  refused: 422,
  storage: 507,
  internal: 500,
};

class TooLarge extends Error {}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = refuse(
  `Request larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MB (the largest real one, a 1-minute index file as base64, is about 21 MB): import fewer or smaller files at a time.`,
);

/**
 * Answers 413 before the body is read, then reads and drops the rest (up to a bound) so the client, still
 * sending, gets the answer instead of a reset connection.
 */
function rejectBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  sendJson(res, 413, tooLarge, { connection: 'close' });
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 8 * MAX_REQUEST_BYTES) req.destroy();
  });
  req.on('error', () => undefined);
}

/**
 * The one kind of file served from outside the renderer build: `/files/runs/<run id>/report.html` of a run or
 * study folder directly inside the runs folder (links that leave it are refused by safeResolve).
 */
export function reportPath(runsDir: string, urlPath: string): string | undefined {
  const [, files, area, runId, name, ...more] = urlPath.split('/');
  if (files !== 'files' || area !== 'runs' || !runId || name !== 'report.html' || more.length)
    return undefined;
  if (!existsSync(runsDir)) return undefined;
  const file = safeResolve(runsDir, `${runId}/report.html`);
  if (!file) return undefined;
  const dir = path.dirname(file);
  return path.dirname(dir) === realpathSync(runsDir) && markedFolderKind(dir) ? file : undefined;
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
  const cleaned = cleanInterruptedWrites(opts.settings);
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

  const ownOrigins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

  const api = async (req: http.IncomingMessage, res: http.ServerResponse, p: string, authorised: boolean) => {
    if (!authorised)
      return sendJson(
        res,
        401,
        refuse('Missing or wrong access token: open the URL the host printed.', 'refused'),
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
    if (req.method !== 'POST')
      return sendJson(res, 405, refuse('Use POST for API calls.'), { allow: 'POST' });
    // a cross-site form cannot send JSON with a custom header; requiring both keeps CSRF out
    if (!req.headers[TOKEN_HEADER])
      return sendJson(res, 403, refuse(`API calls must send the ${TOKEN_HEADER} header.`, 'refused'));
    let channel: string;
    try {
      channel = decodeURIComponent(p.slice('/api/'.length));
    } catch {
      return sendJson(res, 400, refuse(`The channel name in ${p} is not valid percent-encoding.`));
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_REQUEST_BYTES) return rejectBody(req, res);
    let payload: unknown;
    try {
      const body = await readBody(req);
      payload = body ? JSON.parse(body) : {};
    } catch (err) {
      if (err instanceof TooLarge) return rejectBody(req, res);
      return sendJson(res, 400, refuse(`Request body is not JSON: ${(err as Error).message}`));
    }
    const envelope = await dispatcher.dispatch(channel, payload);
    return sendJson(res, envelope.ok ? 200 : STATUS_OF[envelope.kind ?? 'refused'], envelope);
  };

  const server = http.createServer(async (req, res) => {
    const isApi = (req.url ?? '').startsWith('/api/');
    try {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      // DNS-rebinding guard: only our own host name is accepted
      const hostHeader = req.headers.host ?? '';
      if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`)
        return isApi ? sendJson(res, 421, refuse('Wrong host.', 'refused')) : send(res, 421, 'Wrong host.');
      // a page of another origin (or a sandboxed report, origin 'null') may not call in, even with the token
      const origin = req.headers.origin;
      if (origin !== undefined && !ownOrigins().includes(origin))
        return isApi
          ? sendJson(res, 403, refuse(`Requests from ${origin} are not accepted.`, 'refused'))
          : send(res, 403, 'Cross-origin request refused.');
      const given =
        (req.headers[TOKEN_HEADER] as string | undefined) ??
        url.searchParams.get('token') ??
        cookieToken(req);
      const authorised = tokenOk(expected, given ?? undefined);
      const p = url.pathname;

      if (p.startsWith('/api/')) return await api(req, res, p, authorised);

      if (!authorised)
        return send(
          res,
          401,
          'This workstation needs its access token: open the full URL the host printed (it ends in ?token=...).',
        );
      const cookie = { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };

      if (p.startsWith('/files/')) {
        const file = reportPath(opts.settings.get().runsDir, p);
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
      if (res.headersSent) return void res.destroy();
      const message = `Host error: ${(err as Error).message}`;
      if (isApi) sendJson(res, 500, refuse(message, 'internal'));
      else send(res, 500, message);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    dispatcher,
    jobs,
    settingsFile: opts.settings.file,
    cleaned,
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
