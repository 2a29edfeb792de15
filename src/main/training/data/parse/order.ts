/** Row ordering: newest-first files reversed, repeated stamps and rows out of time order dropped and named. */
import type { DataIssue } from '../../../../shared/domain';
import { DataError } from '../../../../shared/errors';
import type { Rows } from './rows';

/**
 * Order of the rows to keep: newest-first files are reversed; repeated timestamps keep the first row in file
 * order; rows out of time order are dropped, keeping the longest time-ordered run so one mistyped date drops
 * one row, not every row after it.
 */
export function orderRows(
  rows: Rows,
  file: string,
  issues: DataIssue[],
  dateField: string,
): { order: Int32Array; reversed: boolean } {
  const { key, n } = rows;
  let up = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    if (key[i] > key[i - 1]) up++;
    else if (key[i] < key[i - 1]) down++;
  }
  const reversed = down > up;
  if (reversed) {
    issues.push({
      severity: 'info',
      kind: 'reversed',
      file,
      message: 'rows are newest-first; reversed to oldest-first',
    });
  }
  const seq = new Int32Array(n);
  for (let i = 0; i < n; i++) seq[i] = reversed ? n - 1 - i : i;
  if (up === n - 1 || down === n - 1) return { order: seq, reversed };

  const first = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const prev = first.get(key[k]);
    if (prev === undefined) {
      first.set(key[k], k);
      continue;
    }
    const same =
      rows.o[prev] === rows.o[k] &&
      rows.h[prev] === rows.h[k] &&
      rows.l[prev] === rows.l[k] &&
      rows.c[prev] === rows.c[k] &&
      rows.v[prev] === rows.v[k];
    const pl = rows.line[prev];
    issues.push({
      severity: 'error',
      kind: 'duplicate-time',
      file,
      line: rows.line[k],
      field: dateField,
      message: `${key[k]} repeats line ${pl}${same ? ' (same values)' : ' with different values'}; row dropped, line ${pl} kept`,
    });
  }
  const unique: number[] = [];
  for (const k of seq) if (first.get(key[k]) === k) unique.push(k);
  const m = unique.length;
  const tails: number[] = [];
  const prevIdx = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) {
    const kk = key[unique[i]];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key[unique[tails[mid]]] < kk) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prevIdx[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Uint8Array(m);
  for (let i = tails[tails.length - 1]; i >= 0; i = prevIdx[i]) keep[i] = 1;
  const outOfOrder = m - tails.length;
  if (outOfOrder > Math.max(2, 0.01 * m)) {
    const firstBad = unique.find((_, i) => !keep[i])!;
    throw new DataError(
      file,
      `rows are not in time order: ${outOfOrder} of ${m} rows are out of sequence (newest-first or oldest-first files are fine)`,
      { line: rows.line[firstBad], field: dateField },
    );
  }
  const order: number[] = [];
  for (let i = 0; i < m; i++) {
    const k = unique[i];
    if (keep[i]) order.push(k);
    else {
      issues.push({
        severity: 'error',
        kind: 'out-of-order',
        file,
        line: rows.line[k],
        field: dateField,
        message: `${key[k]} is out of time order with the rows around it; row dropped`,
      });
    }
  }
  return { order: Int32Array.from(order), reversed };
}
