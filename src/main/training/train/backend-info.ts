/** What ran a computation, as saved in run.json and reports; no tfjs import, so reports can use it. */
export interface BackendInfo {
  /** Backend actually in use: 'tensorflow' | 'wasm' | 'cpu'. */
  name: string;
  /** What the caller asked for. */
  requested: string;
  tfjsVersion: string;
  /** Threads the backend computes with (wasm: xnnpack threads; cpu: 1). */
  threads: number;
  /**
   * wasm: what computes the heavy kernels — 'native kernels (OpenBLAS …, n thread(s)) from <file>' when the addon
   * is in use, else why not ('native kernels off' / 'not built' / load error). tensorflow: 'oneDNN off' (the
   * default, backend.ts) or 'oneDNN on'.
   */
  kernels?: string;
  /** Why a fallback happened, or other facts worth logging. */
  note?: string;
}

/**
 * One line naming the backend for logs and reports, e.g. 'wasm (tfjs 4.22.0, 1 thread; native kernels (…))'.
 * Paths of this machine (a note saved by an older version may hold one) are cut to their file name: logs and
 * reports are shared, and the folder a package was looked up from says nothing about the backend.
 */
export function describeBackend(b: BackendInfo): string {
  const threads = `${b.threads} thread${b.threads === 1 ? '' : 's'}`;
  const text = `${b.name} (tfjs ${b.tfjsVersion}, ${threads}${b.kernels ? `; ${b.kernels}` : ''})${b.note ? ` — ${b.note}` : ''}`;
  return withoutPaths(text);
}

/** Text with every absolute path (POSIX, Windows or file:// URL) replaced by its last component. */
export function withoutPaths(text: string): string {
  return text.replace(/(?:file:\/\/)?(?:[A-Za-z]:[\\/]|\/)(?:[^\s'"()\\/]+[\\/])+([^\s'"()\\/]+)/g, '$1');
}

/** Whether the native kernel addon computed under this backend. */
export function usesNativeKernels(b: BackendInfo): boolean {
  return b.kernels?.startsWith('native kernels (') ?? false;
}

/** A short label for tiles and tables: 'wasm+native' when the native kernels ran, else the backend name. */
export function backendLabel(b: BackendInfo): string {
  return usesNativeKernels(b) ? `${b.name}+native` : b.name;
}
