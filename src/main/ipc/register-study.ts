/** study.* and images.* channels; datasets, plans and saliency are computed off the main process. */
import { inProcessCompute } from '../services/compute';
import { explainableRuns } from '../services/saliency-service';
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
  const compute = ctx.compute ?? inProcessCompute();
  return {
    'study.defaults': () => lastOrDefaultSetup(ctx.settings.get().lastStudyConfig),
    'study.presets': () => studyPresets(),
    'study.loadPreset': ({ name }) => studyPreset(name),
    'study.parseConfig': ({ name, content }) => parseStudyFile(name, content),
    'study.labels': (req) => computeLabels(dir(), req),
    'study.factors': () => factorList(),
    'study.plan': ({ kind, config }) => compute.run('plan', { dataDir: dir(), kind, config }, `plan-${kind}`),
    'study.estimate': ({ kind, config }) =>
      compute.run('estimate', { dataDir: dir(), kind, config, busy: ctx.jobs.busy() }, `estimate-${kind}`),
    'images.get': ({ dataset, date, withDates, around }) =>
      compute.run('image', { dataDir: dir(), dataset, date, withDates, around }),
    'images.prepare': ({ dataset }) => compute.run('prepare', { dataDir: dir(), dataset }),
    'images.explainableRuns': () => explainableRuns(ctx.settings.get().runsDir),
    'images.saliency': ({ runId, date }) =>
      compute.run('saliency', { dataDir: dir(), runsDir: ctx.settings.get().runsDir, runId, date }),
  };
}
