/** What handlers need from their host (Electron main or the web host). No electron import. */
import type { ComputeService } from '../services/compute';
import type { SettingsAccess } from '../services/settings-file';
import type { JobService } from '../services/jobs';
import type { Emit } from './dispatch';

export interface AppContext {
  host: 'electron' | 'web';
  version: string;
  settings: SettingsAccess;
  jobs: JobService;
  /** Datasets, plans and saliency off the main process; tests may leave it out (then they run in-process). */
  compute?: ComputeService;
  emit: Emit;
  /** Shows a run's HTML report: Electron opens it in the default browser, the web host returns its URL. */
  openReport(file: string, runId: string): Promise<{ opened: boolean; url?: string }>;
}
