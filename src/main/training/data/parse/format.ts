/**
 * Vendor profiles: which export a file is (from its header, title line, footer and folder name) and the units
 * that profile implies for volume and amount. Column detection itself is vendor-neutral (header.ts); the profile
 * only decides units, because units are not written in most headers.
 */
import path from 'node:path';
import { DataError } from '../../../../shared/errors';
import { type HeaderInfo, normHeader, unitHint } from './header';

export type VolumeUnit = 'shares' | 'lots';
export type FormatName = 'baostock' | 'sina' | 'eastmoney' | 'tushare' | 'tdx' | 'czsc' | 'generic';
export const FORMATS: readonly FormatName[] = [
  'baostock',
  'sina',
  'eastmoney',
  'tushare',
  'tdx',
  'czsc',
  'generic',
];

/** The vendor profile of a file, or `forced` (checked against the known names). */
export function detectFormat(
  h: HeaderInfo,
  file: string,
  titleLines: string[],
  lastLines: string[],
  forced?: string,
): FormatName {
  if (forced) {
    if (!(FORMATS as readonly string[]).includes(forced)) {
      throw new DataError(file, `unknown format '${forced}' (use ${FORMATS.join(', ')})`);
    }
    return forced as FormatName;
  }
  const names = h.cells.map(normHeader);
  const folder = path.basename(path.dirname(file)).toLowerCase();
  const tail = lastLines.slice(-3).join(' ');
  if (
    tail.includes('通达信') ||
    titleLines.some((l) => /分钟线|日线|通达信/.test(l)) ||
    folder.startsWith('tdx')
  )
    return 'tdx';
  if (names.includes('turn') && names.includes('pctchg')) return 'baostock';
  if (names.includes('ts_code') && names.includes('trade_date')) return 'tushare';
  // czsc (waditu/czsc RawBar dumps): symbol,id,dt,freq,... with freq 'Freq.F1'; volume in shares.
  if ((names.includes('dt') && names.includes('freq')) || folder.startsWith('czsc')) return 'czsc';
  // Eastmoney's export names its columns in this order, the code last (a bare 'symbol' column is not enough).
  if (
    h.cols.code !== undefined &&
    (names.join(',') === 'date,open,high,low,close,volume,amount,symbol' || folder.includes('eastmoney'))
  )
    return 'eastmoney';
  if (names.join(',') === 'date,open,close,high,low,volume,amount' && folder.includes('sina')) return 'sina';
  return 'generic';
}

/** Volume unit and amount scale of a file: the profile's units, then unit hints in the header, then the caller's override. */
export function unitsOf(
  format: FormatName,
  h: HeaderInfo,
  override?: VolumeUnit,
): { volumeUnit: VolumeUnit; amountScale: number } {
  const cols = h.cols;
  const volHint = cols.volume !== undefined ? unitHint(h.cells[cols.volume]) : undefined;
  const amtHint = cols.amount !== undefined ? unitHint(h.cells[cols.amount]) : undefined;
  // Vendor units: Sina, Eastmoney and Tushare give index volume in lots; Eastmoney and Tushare amount in 1000 CNY.
  let volumeUnit: VolumeUnit =
    format === 'sina' || format === 'eastmoney' || format === 'tushare' ? 'lots' : 'shares';
  if (volHint && /^(手|lots?)$/.test(volHint)) volumeUnit = 'lots';
  if (volHint && /^(股|shares?)$/.test(volHint)) volumeUnit = 'shares';
  if (override) volumeUnit = override;
  let amountScale = format === 'eastmoney' || format === 'tushare' ? 1000 : 1;
  if (amtHint && /^(千元|thousand)/.test(amtHint)) amountScale = 1000;
  if (amtHint && /^(万元|万)$/.test(amtHint)) amountScale = 10000;
  return { volumeUnit, amountScale };
}

/** Code from a file name: 000300, sh000300, SH-000300, 399006.SZ -> '000300' / '399006'. */
export function codeFromName(file: string): string | undefined {
  const m = /(?:^|[^0-9])(\d{6})(?![0-9])/.exec(path.basename(file));
  return m ? m[1] : undefined;
}
