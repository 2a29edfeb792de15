/**
 * The Data view's Update data button: one engine update (data/update) of the data folder at a time, its progress
 * sent as events, cancel through an AbortSignal. The source and base URL come from the settings. Plain Node.
 */
import type { UpdateProgress, UpdateReport, UpdateSource } from '../../shared/ipc-contract';
import { importFile } from '../training/data/import';
import { findSeriesFile } from '../training/data/series-file';
import { updateData, type UpdateOptions } from '../training/data/update';

export interface UpdateRequest {
  codes?: string[];
  prefer?: 'file' | 'source';
  /** Re-check the stored days from this date on (default: the engine's last five). */
  since?: string;
}

/** Stored days of the codes' daily files from `since` on: the overlap that re-checks them all. */
function daysSince(dataDir: string, codes: string[] | undefined, since: string): number {
  let most = 1;
  for (const code of codes ?? []) {
    const { bars } = importFile(findSeriesFile(dataDir, code, 1), { code });
    most = Math.max(most, bars.date.filter((d) => d >= since).length);
  }
  return most;
}

export interface UpdateServiceOptions {
  dataDir: () => string;
  source: () => UpdateSource | undefined;
  baseUrl: () => string | undefined;
  onProgress: (p: UpdateProgress) => void;
  /** Extra engine options (tests: a fast HTTP client, a fixed clock). */
  engine?: Partial<UpdateOptions>;
}

export class UpdateService {
  private running?: AbortController;

  constructor(private readonly opts: UpdateServiceOptions) {}

  /** Runs an update of the data folder; refuses a second one while the first runs. */
  async run(req: UpdateRequest): Promise<UpdateReport> {
    if (this.running) throw new Error('An update of the data folder is already running.');
    const controller = new AbortController();
    this.running = controller;
    try {
      return await updateData({
        dataDir: this.opts.dataDir(),
        codes: req.codes,
        prefer: req.prefer,
        overlapDays: req.since ? daysSince(this.opts.dataDir(), req.codes, req.since) : undefined,
        source: this.opts.source() ?? 'auto',
        baseUrl: this.opts.baseUrl() || undefined,
        signal: controller.signal,
        onProgress: this.opts.onProgress,
        ...this.opts.engine,
      });
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the running update before its next request or write; false when none runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  busy(): boolean {
    return this.running !== undefined;
  }
}
