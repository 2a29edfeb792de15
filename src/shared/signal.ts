/** How today's signal reads: its out-of-sample verdict and the trade it implies. Pure; shared by app and tests. */
import type { SignalDto, SignalRecord } from './ipc-contract';

/** Balanced accuracy of a guess among three classes. */
export const CHANCE_BALANCED_ACCURACY = 1 / 3;

export type SignalVerdict = 'unknown' | 'chance' | 'baseline' | 'above';

/**
 * 'chance' when the model's balanced-accuracy interval reaches down to a guess (1/3; the estimate itself when the
 * run has no interval); 'baseline' when it is not clear of the best baseline on the same dates (its interval's
 * lower end at or below the baseline's estimate); else 'above'.
 */
export function signalVerdict(record: SignalRecord | undefined): SignalVerdict {
  const ba = record?.balancedAccuracy;
  if (!record || ba === undefined) return 'unknown';
  const low = record.ci?.lo ?? ba;
  if (low <= CHANCE_BALANCED_ACCURACY) return 'chance';
  const best = record.baselines.find((b) => b.balancedAccuracy !== undefined);
  if (best && low <= best.balancedAccuracy!) return 'baseline';
  return 'above';
}

/** The trade after the newest close: the change of target exposure (fraction of equity; > 0 buys). */
export function signalTrade(action: SignalDto['action']): { side: 'buy' | 'sell' | 'none'; size: number } {
  const d = action.target - action.previousTarget;
  if (Math.abs(d) < 1e-9) return { side: 'none', size: 0 };
  return { side: d > 0 ? 'buy' : 'sell', size: Math.abs(d) };
}
