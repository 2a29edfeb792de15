/**
 * The command line with a fault injected at a write point, for the fault-injection suite: FI_FAULT holds
 * { "action": "kill" | "enospc", "file": "<regex on the file's base name>", "stage": "write" | "rename",
 *   "nth": N } and the Nth matching write is where the process dies (SIGKILL: no cleanup, like a power cut)
 * or from where on every matching write fails as on a full disk. Run as `node --import tsx fault-cli.ts ...`.
 */
import path from 'node:path';
import { main } from '../../src/cli/index';
import { setWriteFaultHook } from '../../src/main/training/train/atomic';

interface Fault {
  action: 'kill' | 'enospc';
  file: string;
  stage: 'write' | 'rename';
  nth: number;
}

const fault = JSON.parse(process.env.FI_FAULT ?? 'null') as Fault | null;
if (fault) {
  const re = new RegExp(fault.file);
  let seen = 0;
  setWriteFaultHook((file, stage) => {
    if (stage !== fault.stage || !re.test(path.basename(file))) return;
    seen++;
    if (seen < fault.nth) return;
    if (fault.action === 'kill') process.kill(process.pid, 'SIGKILL');
    else throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  });
}
process.exitCode = await main(process.argv.slice(2));
