/** A web host over a temp folder with a one-line renderer page and no worker, for the host's own tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHost, type Host } from '../../src/host/server';
import { confSettings } from '../../src/main/services/settings-file';

/** Starts the host on `tmp` (renderer page in tmp/renderer, settings home in tmp/home) with access token `token`. */
export async function startBareHost(tmp: string, token: string): Promise<{ host: Host; base: string }> {
  mkdirSync(path.join(tmp, 'renderer'));
  writeFileSync(path.join(tmp, 'renderer', 'index.html'), 'page');
  const host = await startHost({
    rendererDir: path.join(tmp, 'renderer'),
    settings: confSettings(path.join(tmp, 'home')),
    spawnWorker: () => {
      throw new Error('no worker here');
    },
    token,
  });
  return { host, base: `http://127.0.0.1:${host.port}` };
}
