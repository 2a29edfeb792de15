/**
 * Progress display of long CLI jobs (train, batch, study): a cli-progress bar with ETA when stdout is a TTY,
 * otherwise one JSON object per line ({"type":"progress"|"log"|"result", ...}) for logs and other programs.
 */
import cliProgress from 'cli-progress';
import type { TrainProgress } from '../main/training/train/settings';

export interface ProgressDisplay {
  /** Shows a training progress event. */
  update(p: TrainProgress): void;
  /** Prints a log line without breaking the bar. */
  log(line: string): void;
  /** Prints a final result object (JSON line, or pretty text on a TTY). */
  result(obj: Record<string, unknown>, text?: string): void;
  stop(): void;
}

/** Human duration: 75 -> '1m15s'. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** A display on stdout; `tty` defaults to process.stdout.isTTY. JSON progress lines are throttled to `intervalMs`. */
export function createProgress(
  opts: { tty?: boolean; label?: string; intervalMs?: number; write?: (s: string) => void } = {},
): ProgressDisplay {
  const tty = opts.tty ?? !!process.stdout.isTTY;
  const write = opts.write ?? ((s: string) => void process.stdout.write(s));
  const label = opts.label ?? 'train';
  if (!tty) {
    let lastAt = 0;
    let lastKey = '';
    return {
      update(p) {
        const key = `${p.epoch}/${p.phase}`;
        const now = Date.now();
        // always report a new epoch or phase; otherwise at most once per interval
        if (key === lastKey && now - lastAt < (opts.intervalMs ?? 1000) && p.batch !== p.batches) return;
        lastAt = now;
        lastKey = key;
        write(JSON.stringify({ type: 'progress', label, ...p }) + '\n');
      },
      log(line) {
        write(JSON.stringify({ type: 'log', label, time: new Date().toISOString(), message: line }) + '\n');
      },
      result(obj) {
        write(JSON.stringify({ type: 'result', label, ...obj }) + '\n');
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} epoch {epoch}/{epochs} |{bar}| {percentage}% | loss {loss} acc {acc} | {sps} samples/s | ETA {etaText} | {backend}`,
      hideCursor: true,
      stream: process.stdout,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const total = Math.max(1, p.epochs * p.batches);
      const value = Math.min(total, (p.epoch - 1) * p.batches + p.batch);
      const payload = {
        epoch: p.epoch,
        epochs: p.epochs,
        loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-',
        acc: Number.isFinite(p.accuracy) ? p.accuracy.toFixed(3) : '-',
        sps: p.samplesPerSecond.toFixed(1),
        etaText: p.phase === 'validate' ? 'validating' : formatSeconds(p.etaSeconds),
        backend: p.backend,
      };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
    },
    log(line) {
      if (started) write('\r\x1b[K');
      write(line + '\n');
      if (started) bar.render();
    },
    result(obj, text) {
      this.stop();
      write((text ?? JSON.stringify(obj, null, 2)) + '\n');
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
