/**
 * `npm run host -- [--port N] [--home DIR]`: serves the workstation in a browser, on 127.0.0.1 only.
 * Prints the URL with its access token. Uses the same settings file as the desktop app (through conf).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { confSettings, userDataDir } from '../main/services/settings-file';
import { forkCompute, forkWorker } from './fork-worker';
import { startHost } from './server';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const home = arg('--home') ?? userDataDir();
  const rendererDir = arg('--renderer') ?? path.join(repo, 'out/renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    console.error(`No renderer build in ${rendererDir}: run \`npm run build\` first.`);
    process.exitCode = 1;
    return;
  }
  const settings = confSettings(home);
  const dataDir = arg('--data');
  if (dataDir) settings.set({ dataDir: path.resolve(dataDir) });
  const host = await startHost({
    rendererDir,
    settings,
    spawnWorker: forkWorker,
    spawnCompute: forkCompute,
    port: Number(arg('--port') ?? 0),
    version: process.env.npm_package_version,
  });
  console.log(`factor-inception workstation: ${host.url}`);
  console.log(`settings: ${settings.file}; data: ${settings.get().dataDir}; runs: ${settings.get().runsDir}`);
  const problem = settings.problem();
  if (problem) console.warn(problem);
  const stop = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`factor-inception host: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
