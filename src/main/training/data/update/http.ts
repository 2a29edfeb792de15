/**
 * HTTP for free public quote endpoints, which time out, fail with 5xx, cut answers short and ban heavy users:
 * every request has a timeout, a few retries with doubling backoff, and a minimum interval per host (a polite
 * rate limit shared by every request of one client). Errors say what happened in words a person can act on.
 */

export type FetchErrorKind = 'offline' | 'timeout' | 'http' | 'truncated' | 'bad-answer' | 'cancelled';

/** A request that did not give a usable answer; `kind` says why, the message names the host. */
export class FetchError extends Error {
  readonly kind: FetchErrorKind;
  readonly url: string;
  readonly status?: number;
  constructor(kind: FetchErrorKind, url: string, message: string, status?: number) {
    super(message);
    this.name = 'FetchError';
    this.kind = kind;
    this.url = url;
    this.status = status;
  }
}

/** An answer that arrived but cannot be used (malformed, truncated JSON, empty, wrong index). */
export class BadAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadAnswer';
  }
}

export interface HttpOptions {
  /** Per attempt, connection to last body byte. */
  timeoutMs: number;
  /** Further attempts after the first one fails with a retryable error. */
  retries: number;
  /** Wait before the first retry; doubled before each further one. */
  backoffMs: number;
  /** Minimum time between the starts of two requests to the same host. */
  minIntervalMs: number;
  userAgent: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch: typeof fetch;
  /** Injected for tests; defaults to an abortable setTimeout. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_HTTP: HttpOptions = {
  timeoutMs: 15_000,
  retries: 2,
  backoffMs: 2_000,
  // One request per index and source; 1.5 s apart stays far below what these endpoints are known to ban.
  minIntervalMs: 1_500,
  userAgent: 'factor-inception (daily index data update)',
  fetch: (...args) => fetch(...args),
  sleep: abortableSleep,
};

/** Resolves after ms, or rejects with a 'cancelled' FetchError when the signal aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(''));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled(''));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(url: string): FetchError {
  return new FetchError('cancelled', url, 'cancelled');
}

const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ECONNRESET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code inside a fetch failure (undici wraps it in `cause`, sometimes twice). */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

export interface HttpClient {
  /**
   * GET `url` and hand the body to `parse`; a BadAnswer from parse counts as a failed attempt (a cut or garbled
   * answer is often transient). Resolves with parse's result or rejects with a FetchError.
   */
  get<T>(
    url: string,
    parse: (body: string) => T,
    opts?: { signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<T>;
  /** Requests started so far (all attempts). */
  readonly requests: number;
  /** Requests that got an HTTP answer of any status: 0 after some requests means nothing could be reached. */
  readonly answered: number;
}

export function createHttpClient(options: Partial<HttpOptions> = {}): HttpClient {
  const o: HttpOptions = { ...DEFAULT_HTTP, ...options };
  const lastStart = new Map<string, number>();
  let requests = 0;
  let answered = 0;
  // A host that stayed unreachable through every retry fails at once for the rest of this client's life, so an
  // offline update ends in seconds instead of waiting out the retries of every file.
  const unreachable = new Map<string, FetchError>();

  async function waitTurn(host: string, signal?: AbortSignal) {
    const last = lastStart.get(host);
    if (last !== undefined) {
      const wait = last + o.minIntervalMs - Date.now();
      if (wait > 0) await o.sleep(wait, signal);
    }
    lastStart.set(host, Date.now());
  }

  async function attempt<T>(
    url: string,
    host: string,
    parse: (body: string) => T,
    signal: AbortSignal | undefined,
    headers: Record<string, string>,
  ): Promise<T> {
    await waitTurn(host, signal);
    requests++;
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status = 0;
    let body: string;
    try {
      const res = await o.fetch(url, { signal: both, headers: { 'user-agent': o.userAgent, ...headers } });
      status = res.status;
      answered++;
      body = await res.text();
    } catch (err) {
      if (signal?.aborted) throw cancelled(url);
      if (timeout.aborted)
        throw new FetchError(
          'timeout',
          url,
          `${host} gave no complete answer within ${o.timeoutMs / 1000} s`,
        );
      const code = errorCode(err);
      if (status !== 0 || (code && /^UND_ERR_(SOCKET|RES_CONTENT_LENGTH_MISMATCH)/.test(code))) {
        throw new FetchError(
          'truncated',
          url,
          `${host} cut the answer short (${code ?? 'connection closed'})`,
        );
      }
      if (code && OFFLINE_CODES.has(code)) {
        throw new FetchError(
          'offline',
          url,
          `cannot reach ${host} (${code}): offline, or the server is down or blocking this machine`,
        );
      }
      throw new FetchError(
        'offline',
        url,
        `request to ${host} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (status < 200 || status > 299) {
      throw new FetchError('http', url, `${host} answered HTTP ${status}`, status);
    }
    try {
      return parse(body);
    } catch (err) {
      if (err instanceof BadAnswer)
        throw new FetchError('bad-answer', url, `${host}: ${err.message}`, status);
      throw err;
    }
  }

  const retryable = (e: FetchError) =>
    e.kind === 'timeout' ||
    e.kind === 'truncated' ||
    e.kind === 'bad-answer' ||
    e.kind === 'offline' ||
    (e.kind === 'http' && (e.status === 429 || (e.status ?? 0) >= 500));

  return {
    get requests() {
      return requests;
    },
    get answered() {
      return answered;
    },
    async get(url, parse, opts = {}) {
      const host = new URL(url).host;
      const down = unreachable.get(host);
      if (down) throw new FetchError('offline', url, `${down.message}; not asked again`);
      let last: FetchError | undefined;
      for (let k = 0; k <= o.retries; k++) {
        if (opts.signal?.aborted) throw cancelled(url);
        if (k > 0) await o.sleep(o.backoffMs * 2 ** (k - 1), opts.signal);
        try {
          return await attempt(url, host, parse, opts.signal, opts.headers ?? {});
        } catch (err) {
          if (!(err instanceof FetchError)) throw err;
          if (err.kind === 'cancelled' || !retryable(err)) throw err;
          last = err;
        }
      }
      const tries = o.retries + 1;
      const err = new FetchError(
        last!.kind,
        url,
        `${last!.message} (${tries} attempt${tries > 1 ? 's' : ''})`,
        last!.status,
      );
      if (err.kind === 'offline') unreachable.set(host, err);
      throw err;
    },
  };
}
