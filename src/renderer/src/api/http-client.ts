/**
 * The contract over HTTP, for the web host: POST /api/<channel> with the access token, events over SSE.
 * The two dialog channels run in the browser (a download, a file input) since the host has no window.
 */
import {
  buildApi,
  unwrap,
  type Channel,
  type ContractApi,
  type EventName,
  type Req,
  type Res,
} from '../../../shared/ipc-contract';
import { envelopeOf } from './envelope';

const TOKEN_KEY = 'fi-access-token';

/** The access token from the page URL (?token=…), remembered for reloads of this tab, and removed from the address bar. */
export function accessToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Saves text as a download (UTF-8; a BOM in the content is kept so Excel reads Chinese text right). */
export function downloadText(name: string, content: string): void {
  const blob = new Blob([content], {
    type: name.endsWith('.csv') ? 'text/csv;charset=utf-8' : 'application/json;charset=utf-8',
  });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Lets the user pick a text file; resolves null when the picker is closed without a file. */
export function pickTextFile(extensions: string[]): Promise<{ name: string; content: string } | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = extensions.map((e) => `.${e}`).join(',');
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      resolve(file ? { name: file.name, content: await file.text() } : null);
    });
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
}

export function createHttpApi(token = accessToken()): ContractApi {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let source: EventSource | undefined;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.addEventListener('message', (e) => {
      const { event, payload } = JSON.parse((e as MessageEvent<string>).data) as {
        event: EventName;
        payload: unknown;
      };
      for (const cb of listeners.get(event) ?? []) cb(payload);
    });
  };

  const local: Partial<{ [C in Channel]: (req: Req<C>) => Promise<Res<C>> }> = {
    'dialog.saveText': async ({ defaultName, content }) => {
      downloadText(defaultName, content);
      return { path: null };
    },
    'dialog.openText': ({ extensions }) => pickTextFile(extensions),
  };

  return buildApi(
    async (channel, req) => {
      const fn = local[channel] as ((r: unknown) => Promise<unknown>) | undefined;
      if (fn) return fn(req);
      let res: Response;
      try {
        res = await fetch(`/api/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-access-token': token },
          body: JSON.stringify(req ?? {}),
        });
      } catch {
        throw new Error('The workstation host does not answer: is it still running?');
      }
      return unwrap(await envelopeOf(res));
    },
    (event, cb) => {
      ensureSource();
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(cb);
      return () => listeners.get(event)?.delete(cb);
    },
  );
}
