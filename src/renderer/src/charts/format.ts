/** Number formatting for tables and tooltips. Pure. */

/** Fraction -> percent text with sign: 0.025 -> '+2.50 %'. */
export function pct(x: number | null | undefined, digits = 2, sign = true): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const s = (x * 100).toFixed(digits);
  return `${sign && x > 0 ? '+' : ''}${s} %`;
}

/** Thousands separators and fixed digits: 1234567.8 -> '1,234,567.80'. */
export function num(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Volume in shares -> compact text: 1.23e9 -> '12.3亿' (zh) or '1.23B' (en). */
export function volume(x: number, lang: string): string {
  if (!Number.isFinite(x)) return '—';
  if (lang.startsWith('zh')) {
    if (Math.abs(x) >= 1e8) return `${(x / 1e8).toFixed(2)}亿`;
    if (Math.abs(x) >= 1e4) return `${(x / 1e4).toFixed(2)}万`;
    return x.toFixed(0);
  }
  if (Math.abs(x) >= 1e9) return `${(x / 1e9).toFixed(2)}B`;
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (Math.abs(x) >= 1e3) return `${(x / 1e3).toFixed(2)}K`;
  return x.toFixed(0);
}

/** Seconds -> 'h:mm:ss' or 'm:ss'. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`
    : `${m}:${String(r).padStart(2, '0')}`;
}
