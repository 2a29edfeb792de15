/** Starting and cancelling jobs, shared by the Training view and the keyboard shortcuts. */
import type { JobKind, JobState } from '../../shared/ipc-contract';
import { api } from './api';
import { i18n } from './i18n';
import { problems } from './setup-check';
import { attempt, notify, state } from './store';

const t = (key: string, named: Record<string, unknown> = {}) => i18n.global.t(key, named);

/** Queues a training run or a study from the current setup; says so in a toast. */
export async function startJob(kind: JobKind): Promise<JobState | undefined> {
  // never a setup the form refuses, nor one the planner has refused (the buttons also wait for the plan)
  if (!state.config || problems(kind).length) return undefined;
  const config = state.config;
  const j = await attempt(() => api.training.start({ kind, config: JSON.parse(JSON.stringify(config)) }));
  if (j) {
    if (!state.jobs.find((x) => x.id === j.id)) state.jobs.push(j);
    notify(
      'info',
      t('jobs.startedToast', {
        kind: t(`jobs.kinds.${j.kind}`),
        name: j.name,
        status: t(`training.statuses.${j.status}`),
      }),
    );
  }
  return j;
}

/**
 * Cancels a running or queued job after the user confirms: a run keeps its last checkpoint, a study its
 * finished folds, and either can be resumed.
 */
export async function cancelJob(job: JobState): Promise<void> {
  const message = t(job.kind === 'study' ? 'jobs.cancelConfirmStudy' : 'jobs.cancelConfirmRun', {
    name: job.name,
  });
  if (!window.confirm(message)) return;
  await attempt(() => api.training.cancel({ jobId: job.id }));
}
