/** Reading the web host's answers (pure: only the fetch Response, so the unit tests run it in Node). */
import type { Envelope } from '../../../shared/ipc-contract';

/**
 * The envelope of a host answer: every API answer, refusals with a 4xx or 5xx status included, is a JSON
 * envelope whose error says what to do; anything else (a proxy's page, a cut connection) becomes one here.
 */
export async function envelopeOf(res: Response): Promise<Envelope<unknown>> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && 'ok' in body) return body as Envelope<unknown>;
  if (res.status === 401)
    return { ok: false, error: 'Access token missing or wrong: open the URL the host printed.' };
  const detail = text.trim().slice(0, 200);
  return {
    ok: false,
    error: `The workstation host answered HTTP ${res.status}${detail ? `: ${detail}` : ' with no message'}.`,
  };
}
