/** data.* channels. */
import { importFiles, listIndices, loadBars, barsDto } from '../services/data-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function dataHandlers(ctx: AppContext): PartialHandlers {
  const dir = () => ctx.settings.get().dataDir;
  return {
    'data.list': () => listIndices(dir()),
    'data.import': ({ files }) => {
      const outcomes = importFiles(dir(), files);
      ctx.emit('data.onChanged', listIndices(dir()));
      return outcomes;
    },
    'data.bars': ({ code }) => barsDto(loadBars(dir(), code)),
  };
}
