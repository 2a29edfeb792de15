/** data.* channels. */
import { checkDir, importFiles, listIndices, seriesBars } from '../services/data-service';
import { UpdateService } from '../services/update-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function dataHandlers(ctx: AppContext): PartialHandlers {
  const dir = () => ctx.settings.get().dataDir;
  const updates = new UpdateService({
    dataDir: dir,
    source: () => ctx.settings.get().updateSource,
    baseUrl: () => ctx.settings.get().updateBaseUrl,
    onProgress: (p) => ctx.emit('data.onUpdate', p),
  });
  return {
    'data.list': () => listIndices(dir()),
    'data.import': ({ files }) => {
      const outcomes = importFiles(dir(), files);
      ctx.emit('data.onChanged', listIndices(dir()));
      return outcomes;
    },
    'data.bars': ({ code, name }) => seriesBars(dir(), code, name),
    'data.checkDir': ({ dir: d }) => checkDir(d),
    'data.update': async (req) => {
      try {
        return await updates.run(req);
      } finally {
        ctx.emit('data.onChanged', listIndices(dir()));
      }
    },
    'data.cancelUpdate': () => ({ cancelled: updates.cancel() }),
  };
}
