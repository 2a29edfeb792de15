/**
 * The public face of data update and reconciliation, for the CLI, the app's job service and the worker alike:
 *
 *   updateData(opts: UpdateOptions): Promise<UpdateReport>
 *     opts.onProgress(p: UpdateProgress) is called for each step of each file; opts.signal cancels (the promise
 *     then resolves with report.cancelled = true; files written before the abort stay written, the others are
 *     unchanged). It never rejects for one file's trouble: each file's status and error are in report.files.
 *
 *   reconcileInputs(inputs: string[], opts?: ReconcileInputsOptions): Promise<ReconcileReport>
 *     inputs are file paths or 'eastmoney:000300' / 'sina:399006'.
 *
 * Every report type is plain JSON (no typed arrays), ready for IPC.
 */
export { updateData, indexFilesIn, type UpdateOptions } from './update';
export { reconcileInputs, type ReconcileInputsOptions } from './reconcile-inputs';
export type { ReconcileReport, PairReport, DayFinding } from './reconcile';
export { BACKUP_DIR } from './write';
export { FetchError, DEFAULT_HTTP, type HttpOptions } from './http';
export * from './types';
