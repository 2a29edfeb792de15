/**
 * A local HTTP server that answers like the Eastmoney kline and Sina getKLineData endpoints, from real index
 * files ("truth"), so update tests never touch the network. Tests shape answers per request: drop or change
 * rows, send another unit, a status, a delay, a body cut short.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DailyColumns } from './csv';

export interface QuoteRequest {
  source: 'eastmoney' | 'sina';
  code: string;
  /** Eastmoney market (1 Shanghai, 0 Shenzhen) or Sina prefix (sh/sz). */
  market: string;
  from?: string;
  to?: string;
  datalen?: number;
  /** 1-based count of requests for this source and code so far. */
  attempt: number;
  url: string;
  at: number;
}

/** A row in the source's units (Eastmoney: volume lots; Sina: shares), prices as the source prints them. */
export interface WireRow {
  date: string;
  open: string;
  close: string;
  high: string;
  low: string;
  volume: string;
  amount: string;
}

export interface Reply {
  status?: number;
  /** Replaces the whole body. */
  body?: string;
  /** Rows to send instead of the truth's (after `edit`). */
  rows?: WireRow[];
  /** Waits this long before answering. */
  delayMs?: number;
  /** Announces the full Content-Length, sends this many bytes, then drops the connection. */
  cutAfterBytes?: number;
}

export type Behaviour = (req: QuoteRequest, rows: WireRow[]) => Reply | void;

const dash = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;

/** Truth rows of a code between from and to, in Eastmoney's units (2-decimal prices, lots, CNY). */
export function eastmoneyRows(t: DailyColumns, from: string, to: string): WireRow[] {
  const out: WireRow[] = [];
  t.date.forEach((d, i) => {
    if (d < from || d > to) return;
    out.push({
      date: d,
      open: t.open[i].toFixed(2),
      close: t.close[i].toFixed(2),
      high: t.high[i].toFixed(2),
      low: t.low[i].toFixed(2),
      volume: String(Math.round(t.volume[i] / 100)),
      amount: t.amount[i].toFixed(2),
    });
  });
  return out;
}

export function eastmoneyBody(code: string, market: string, rows: WireRow[]): string {
  const klines = rows.map(
    (r) => `${r.date},${r.open},${r.close},${r.high},${r.low},${r.volume},${r.amount},1.00,0.10,1.00,0.50`,
  );
  return JSON.stringify({
    rc: 0,
    rt: 17,
    svr: 1,
    lt: 1,
    full: 0,
    data: {
      code,
      market: Number(market),
      name: code,
      decimal: 2,
      dktotal: rows.length,
      preKPrice: 1,
      klines,
    },
  });
}

/** The newest `datalen` truth rows up to `to`, in Sina's units (3-decimal prices, shares, no amount). */
export function sinaRows(t: DailyColumns, datalen: number, to: string): WireRow[] {
  const out: WireRow[] = [];
  t.date.forEach((d, i) => {
    if (d > to) return;
    out.push({
      date: d,
      open: t.open[i].toFixed(3),
      close: t.close[i].toFixed(3),
      high: t.high[i].toFixed(3),
      low: t.low[i].toFixed(3),
      volume: String(Math.round(t.volume[i])),
      amount: '',
    });
  });
  return out.slice(-datalen);
}

export function sinaBody(rows: WireRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      day: r.date,
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      volume: r.volume,
      ...(r.amount ? { amount: r.amount } : {}),
    })),
  );
}

export interface QuoteServer {
  baseUrl: string;
  requests: QuoteRequest[];
  behave: Behaviour;
  /** The last date the server knows (Sina has no end parameter). */
  to: string;
  /** Forgets the requests and attempt counts and the behaviour. */
  reset(): void;
  close(): Promise<void>;
}

export async function startQuoteServer(
  truth: Record<string, DailyColumns>,
  to: string,
): Promise<QuoteServer> {
  const requests: QuoteRequest[] = [];
  const counts = new Map<string, number>();
  const state: QuoteServer = {
    baseUrl: '',
    requests,
    behave: () => undefined,
    to,
    reset: () => {
      requests.length = 0;
      counts.clear();
      state.behave = () => undefined;
    },
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let q: QuoteRequest;
    let rows: WireRow[];
    let body: (rows: WireRow[]) => string;
    const key = (s: string, c: string) => {
      const k = `${s}:${c}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      return counts.get(k)!;
    };
    if (url.pathname === '/api/qt/stock/kline/get') {
      const [market, code] = (url.searchParams.get('secid') ?? '').split('.');
      const from = dash(url.searchParams.get('beg') ?? '19900101');
      const end = dash(url.searchParams.get('end') ?? '20500101');
      q = {
        source: 'eastmoney',
        code,
        market,
        from,
        to: end,
        attempt: key('eastmoney', code),
        url: req.url!,
        at: Date.now(),
      };
      const t = truth[code];
      rows = t ? eastmoneyRows(t, from, end < state.to ? end : state.to) : [];
      body = (rs) => (t ? eastmoneyBody(code, market, rs) : JSON.stringify({ rc: 0, data: null }));
    } else if (url.pathname === '/quotes_service/api/json_v2.php/CN_MarketData.getKLineData') {
      const symbol = url.searchParams.get('symbol') ?? '';
      const code = symbol.slice(2);
      const datalen = Number(url.searchParams.get('datalen') ?? '100');
      q = {
        source: 'sina',
        code,
        market: symbol.slice(0, 2),
        datalen,
        attempt: key('sina', code),
        url: req.url!,
        at: Date.now(),
      };
      const t = truth[code];
      rows = t ? sinaRows(t, datalen, state.to) : [];
      body = (rs) => (t ? sinaBody(rs) : 'null');
    } else {
      res.writeHead(404).end('not found');
      return;
    }
    requests.push(q);
    const reply = state.behave(q, rows) ?? {};
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const text = reply.body ?? body(reply.rows ?? rows);
    const bytes = Buffer.from(text, 'utf8');
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
    });
    if (reply.cutAfterBytes !== undefined) {
      res.write(bytes.subarray(0, reply.cutAfterBytes), () => res.destroy());
      return;
    }
    res.end(bytes);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
