/** factor-inception factors: the factor registry (name, group, parameters, warm-up in bars, formula). */
import { FACTORS } from '../../main/training/factors/registry';
import { parse } from '../args';

export const usage = 'factor-inception factors [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const rows = FACTORS.map(({ name, group, description, formula, params, warmup }) => ({
    name,
    group,
    description,
    formula,
    params,
    warmup,
  }));
  if (values.json) {
    console.log(JSON.stringify(rows));
    return 0;
  }
  const fmtParams = (p: Record<string, number>) =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '-';
  const wName = Math.max(4, ...rows.map((r) => r.name.length));
  const wGroup = Math.max(5, ...rows.map((r) => r.group.length));
  const wParams = Math.max(6, ...rows.map((r) => fmtParams(r.params).length));
  console.log(`${rows.length} factors; periods and warm-up are in bars (daily or intraday).`);
  console.log(
    `${'name'.padEnd(wName)}  ${'group'.padEnd(wGroup)}  ${'params'.padEnd(wParams)}  warmup  formula`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(wName)}  ${r.group.padEnd(wGroup)}  ${fmtParams(r.params).padEnd(wParams)}  ${String(r.warmup).padStart(6)}  ${r.formula}`,
    );
  }
  return 0;
}
