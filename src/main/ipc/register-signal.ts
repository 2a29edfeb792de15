/** signal.* channels: today's signal of a finished training run. */
import { signalService } from '../services/signal-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function signalHandlers(ctx: AppContext): PartialHandlers {
  const service = signalService(ctx.jobs, () => {
    const s = ctx.settings.get();
    return { runsDir: s.runsDir, dataDir: s.dataDir };
  });
  return {
    'signal.get': ({ runId }) => service.get(runId),
  };
}
