/** study.* and images.* channels. */
import { factorImage } from '../services/images-service';
import {
  computeLabels,
  factorList,
  lastOrDefaultSetup,
  parseStudyFile,
  studyPreset,
  studyPresets,
} from '../services/study-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function studyHandlers(ctx: AppContext): PartialHandlers {
  const dir = () => ctx.settings.get().dataDir;
  return {
    'study.defaults': () => lastOrDefaultSetup(ctx.settings.get().lastStudyConfig),
    'study.presets': () => studyPresets(),
    'study.loadPreset': ({ name }) => studyPreset(name),
    'study.parseConfig': ({ name, content }) => parseStudyFile(name, content),
    'study.labels': (req) => computeLabels(dir(), req),
    'study.factors': () => factorList(),
    'images.get': ({ dataset, date }) => factorImage(dir(), dataset, date),
  };
}
