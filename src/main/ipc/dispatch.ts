/**
 * The single request pipeline shared by Electron main and the web host: look the channel up, validate the payload
 * against the contract's zod schema, run the handler, and turn any failure into `{ ok: false, error }` with a
 * message a person can act on. No electron import: the web host runs it in plain Node.
 */
import { ZodError } from 'zod';
import {
  describeZodError,
  requestSchemas,
  type Channel,
  type Envelope,
  type EventName,
  type Events,
  type FailureKind,
  type Req,
  type Res,
} from '../../shared/ipc-contract';
import { WriteError } from '../training/train/atomic';

export type Handler<C extends Channel> = (req: Req<C>) => Promise<Res<C>> | Res<C>;
export type HandlerMap = { [C in Channel]: Handler<C> };
export type PartialHandlers = Partial<HandlerMap>;
export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * What kind of failure a thrown value is: a full disk, a fault of the program (a TypeError and its kin, an
 * unexpected system error), or a refusal a person can act on (every other Error: they name what is wrong).
 */
export function failureKind(err: unknown): FailureKind {
  if (err instanceof ZodError) return 'invalid-request';
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'storage';
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError)
    return 'internal';
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && !(err instanceof WriteError)) return 'internal';
  return 'refused';
}

/** Message of any thrown value, without stack traces (the renderer shows it to a person). */
export function errorMessage(err: unknown): string {
  if (err instanceof ZodError) return describeZodError('handler', err);
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export interface Dispatcher {
  channels(): Channel[];
  dispatch(channel: string, payload: unknown): Promise<Envelope<unknown>>;
}

/** Combines handler groups; refuses a channel registered twice (a wiring mistake). */
export function createDispatcher(...groups: PartialHandlers[]): Dispatcher {
  const table = new Map<string, (req: unknown) => unknown>();
  for (const g of groups) {
    for (const [name, fn] of Object.entries(g)) {
      if (table.has(name)) throw new Error(`IPC channel ${name} is registered twice`);
      table.set(name, fn as (req: unknown) => unknown);
    }
  }
  return {
    channels: () => [...table.keys()] as Channel[],
    async dispatch(channel, payload) {
      const handler = table.get(channel);
      const schema = (requestSchemas as Record<string, import('zod').ZodType>)[channel];
      if (!handler || !schema)
        return { ok: false, error: `Unknown request channel '${channel}'.`, kind: 'unknown-channel' };
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success)
        return { ok: false, error: describeZodError(channel, parsed.error), kind: 'invalid-request' };
      try {
        return { ok: true, value: await handler(parsed.data) };
      } catch (err) {
        return { ok: false, error: errorMessage(err), kind: failureKind(err) };
      }
    },
  };
}
