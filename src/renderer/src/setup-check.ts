/**
 * Is the study setup runnable, and what will it run? The setup's own rules (src/shared/setup-rules.ts: the
 * schemas' bounds and the cross-field rules) are checked here as the user types; what the data folder can serve
 * comes from the engine's planner (study.plan, computed off the main process) a moment later. The Study setup
 * shows both beside the fields; Start training and Run study stay disabled while either refuses the setup.
 */
import { computed, reactive, watch } from 'vue';
import type { JobKind, PlanPreview, SetupIssue, TimeEstimate } from '../../shared/ipc-contract';
import { setupIssues } from '../../shared/setup-rules';
import { api } from './api';
import { i18n } from './i18n';
import { state } from './store';

export const plan = reactive({
  study: null as PlanPreview | null,
  train: null as PlanPreview | null,
  /** The setup (as JSON) the plans belong to. */
  key: '',
  loading: false,
  estimate: { study: null as TimeEstimate | null, train: null as TimeEstimate | null },
  estimating: false,
});

/** Problems of the setup itself, field by field. */
export const issues = computed<SetupIssue[]>(() => (state.config ? setupIssues(state.config) : []));

/** Problems that stop `kind` from starting: the setup's own, then the data's (once planned). */
export function problems(kind: JobKind): SetupIssue[] {
  if (issues.value.length) return issues.value;
  const p = plan[kind];
  return p?.issue && plan.key === JSON.stringify(state.config) ? [p.issue] : [];
}

/** A job can start: the setup passes its rules and the planner has planned it (with no refusal). */
export function canStart(kind: JobKind): boolean {
  return (
    !!state.config &&
    issues.value.length === 0 &&
    plan.key === JSON.stringify(state.config) &&
    !!plan[kind] &&
    !plan[kind]!.issue
  );
}

/** The first problem at a field's path (or under it), for the message beside the field. */
export function issueAt(path: string, kind: JobKind = 'study'): SetupIssue | undefined {
  return problems(kind).find((i) => i.path === path || i.path.startsWith(`${path}.`));
}

/** The form's fields by path, with the i18n key of their label. */
export const FIELD_LABELS: Record<string, string> = {
  name: 'study.name',
  seeds: 'study.seeds',
  'dataset.target': 'study.target',
  'dataset.horizonDays': 'study.horizon',
  'dataset.from': 'common.from',
  'dataset.to': 'common.to',
  'dataset.channels': 'study.overlays',
  'dataset.upThreshold': 'study.up',
  'dataset.downThreshold': 'study.down',
  'dataset.lookbackDays': 'study.lookback',
  'dataset.barsPerDay': 'study.barsPerDay',
  'dataset.layout': 'study.layout',
  'model.preset': 'study.model',
  'model.width': 'study.width',
  'train.epochs': 'study.epochs',
  'train.batchSize': 'study.batch',
  'train.learningRate': 'study.lr',
  'train.backend': 'study.backend',
  'walkForward.window': 'study.window',
  'walkForward.trainDays': 'study.trainDays',
  'walkForward.testDays': 'study.testDays',
  'walkForward.stepDays': 'study.stepDays',
  'walkForward.embargoDays': 'study.embargo',
};

/** The form field an issue belongs to (its path or a parent of it), if the form has one. */
export function fieldOf(i: SetupIssue): string | undefined {
  return Object.keys(FIELD_LABELS).find((p) => i.path === p || i.path.startsWith(`${p}.`));
}

/** "Field: reason", the field named as the form labels it (or by its path when the form has no such field). */
export function issueLine(i: SetupIssue): string {
  const t = i18n.global.t as (key: string, params?: Record<string, unknown>) => string;
  const f = fieldOf(i);
  const name = f ? t(FIELD_LABELS[f]) : i.path;
  return name ? `${name}: ${issueText(i)}` : issueText(i);
}

const DATE_FIELDS = /(^|\.)(from|to|testFrom|testTo)$/;

/** An issue in the UI's language: zod's codes and the rules by name, with their parameters. */
export function issueText(i: SetupIssue): string {
  const t = i18n.global.t as (key: string, params?: Record<string, unknown>) => string;
  const p = i.params;
  switch (i.code) {
    case 'rule':
      return t(`validation.rule.${i.rule}`, p);
    case 'data':
      return t(`validation.data.${p.reason}`, p);
    case 'too_small':
      if (p.origin === 'array') return t('validation.tooFew', p);
      if (p.origin === 'string') return t('validation.emptyText');
      return t(p.inclusive === 'false' ? 'validation.tooSmallExclusive' : 'validation.tooSmall', p);
    case 'too_big':
      if (p.origin === 'array') return t('validation.tooMany', p);
      return t(p.inclusive === 'false' ? 'validation.tooBigExclusive' : 'validation.tooBig', p);
    case 'invalid_type':
      return t(
        p.expected === 'int'
          ? 'validation.wholeNumber'
          : p.expected === 'number'
            ? 'validation.number'
            : 'validation.wrongType',
      );
    case 'invalid_format':
      return t(DATE_FIELDS.test(i.path) ? 'validation.date' : 'validation.code');
    case 'invalid_value':
      return t('validation.oneOf', p);
    default:
      return t('validation.invalid');
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let seq = 0;

/** Plans both kinds of job for the current setup (debounced); an invalid setup is not sent. */
async function refresh(): Promise<void> {
  const config = state.config;
  if (!config || issues.value.length || !state.indices.length) return;
  const key = JSON.stringify(config);
  const my = ++seq;
  plan.loading = true;
  // the Factor images view will ask for this dataset: the compute worker builds it now, off the main process
  api.images.prepare({ dataset: JSON.parse(JSON.stringify(config.dataset)) }).catch(() => undefined);
  try {
    const copy = JSON.parse(key);
    // one after the other: in the browser a host allows six connections, and a slow plan must not hold two
    const study = await api.study.plan({ kind: 'study', config: copy });
    const train = await api.study.plan({ kind: 'train', config: copy });
    if (my !== seq) return;
    Object.assign(plan, { study, train, key });
    plan.estimate = { study: null, train: null };
  } catch (err) {
    // a superseded plan is followed by the newer one; a failed one is shown as the reason nothing can start
    const message = err instanceof Error ? err.message : String(err);
    if (my !== seq || message.startsWith('Superseded')) return;
    const failed = (kind: JobKind): PlanPreview => ({
      kind,
      samples: 0,
      labeled: 0,
      folds: [],
      cells: [],
      seeds: config.seeds.length,
      trainings: 0,
      trainSamples: 0,
      notes: [],
      issue: { path: '', code: 'data', params: { reason: 'engine', message }, message },
    });
    Object.assign(plan, { study: failed('study'), train: failed('train'), key });
  } finally {
    if (my === seq) plan.loading = false;
  }
}

/** Measures the speed for the current plan (costs a few training steps in the compute worker). */
export async function estimate(): Promise<void> {
  const key = plan.key;
  if (!canStart('study') || plan.estimate.study) return;
  plan.estimating = true;
  try {
    const config = JSON.parse(key);
    const study = await api.study.estimate({ kind: 'study', config });
    const train = await api.study.estimate({ kind: 'train', config });
    if (plan.key === key) plan.estimate = { study, train };
  } catch {
    // superseded by a newer setup, or the speed could not be measured: the preview shows no time
  } finally {
    plan.estimating = false;
  }
}

let watching = false;
/** Starts watching the setup (once, from the app's start). */
export function watchSetup(): void {
  if (watching) return;
  watching = true;
  watch(
    () => [JSON.stringify(state.config), state.indices.map((i) => `${i.name}:${i.last}`).join()],
    () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    },
    { immediate: true },
  );
}
