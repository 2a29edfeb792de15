/** App state shared by the views. Job state lives in main; this only mirrors it (re-fetched after a reload). */
import { computed, reactive, watch } from 'vue';
import type {
  AppInfo,
  AppSettings,
  AppStudyConfig,
  ColorConvention,
  IndexInfo,
  JobState,
} from '../../shared/ipc-contract';
import { api } from './api';
import { defaultConvention, palette } from './charts/colors';
import { livePointOf, type LivePoint } from './charts/training';
import type { View } from './shortcuts';
import { defaultLanguage, i18n } from './i18n';

export type { View } from './shortcuts';

export const state = reactive({
  /** Today's signal (and the getting-started guide) first. */
  view: 'signal' as View,
  info: null as AppInfo | null,
  settings: null as AppSettings | null,
  indices: [] as IndexInfo[],
  config: null as AppStudyConfig | null,
  jobs: [] as JobState[],
  selectedRun: null as string | null,
  toast: null as { kind: 'error' | 'info'; text: string } | null,
});

export const language = computed(() => state.settings?.language ?? defaultLanguage());
export const convention = computed<ColorConvention>(
  () => state.settings?.colorConvention ?? defaultConvention(language.value),
);
export const dark = computed(() => state.settings?.theme === 'dark');
export const colors = computed(() => palette(convention.value, dark.value));

let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function notify(kind: 'error' | 'info', text: string): void {
  state.toast = { kind, text };
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (state.toast = null), kind === 'error' ? 12_000 : 5_000);
}

/** Runs an API call and shows its error message instead of throwing. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    notify('error', err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

/** Batch-level loss/accuracy trace per job, collected from progress events (epoch history comes from main). */
export const live: Record<string, LivePoint[]> = reactive({});

function upsertJob(job: JobState): void {
  const point = livePointOf(job);
  if (point) {
    const trace = (live[job.id] ??= []);
    if (!trace.length || trace[trace.length - 1].x < point.x) trace.push(point);
  }
  const i = state.jobs.findIndex((j) => j.id === job.id);
  if (i >= 0) state.jobs[i] = job;
  else state.jobs.push(job);
}

export async function updateSettings(patch: Partial<AppSettings>): Promise<void> {
  const s = await attempt(() => api.settings.set(patch));
  if (s) state.settings = s;
}

export async function refreshIndices(): Promise<void> {
  const list = await attempt(() => api.data.list({}));
  if (list) state.indices = list;
}

export async function init(): Promise<void> {
  const [info, settings, config, jobs] = await Promise.all([
    attempt(() => api.app.info({})),
    attempt(() => api.settings.get({})),
    attempt(() => api.study.defaults({})),
    attempt(() => api.training.list({})),
  ]);
  state.info = info ?? null;
  state.settings = settings ?? null;
  state.config = config ?? null;
  state.jobs = jobs ?? [];
  await refreshIndices();
  api.training.onJob(upsertJob);
  api.data.onChanged((list) => (state.indices = list));
  watch(
    language,
    (l) => {
      i18n.global.locale.value = l;
      document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    },
    { immediate: true },
  );
  watch(dark, (d) => document.documentElement.classList.toggle('dark', d), { immediate: true });
}
