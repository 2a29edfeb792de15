/**
 * The study setup's rules that span fields, written once beside the schemas of config.ts, and the one function
 * the app's form, the IPC contract and the settings all check a setup with. Field bounds come from the
 * section schemas (config.ts); the rules here are the cross-field checks the engine's resolvers make
 * (resolveDatasetConfig, parseStudyConfig, walkForwardSplits, imageShapeOf), restated on the app's setup so a
 * form can refuse a setup before anything runs. tests/unit/app/setup-rules.test.ts checks that the engine refuses
 * every setup these rules refuse, field for field.
 * Pure zod: no node built-ins.
 */
import type { z } from 'zod';
import { appStudyConfigSchema, type AppStudyConfig } from './config';

/** Names of the cross-field rules (stable: the app translates them). */
export type SetupRule =
  | 'downBelowUp'
  | 'fromBeforeTo'
  | 'testFromBeforeTestTo'
  | 'targetFirst'
  | 'channelsUnique'
  | 'embargoAtLeastHorizon'
  | 'stepAtLeastTest'
  | 'ablationStartsWithTarget'
  | 'blockAtLeastHorizon'
  | 'seedSquare';

/**
 * One problem of a setup, located by its dotted path ('dataset.downThreshold'). `code` is zod's issue code or
 * 'rule' for a cross-field rule; `params` carries what a translated message needs (bounds, the other field's
 * value). `message` is the English text.
 */
export interface SetupIssue {
  path: string;
  code: string;
  rule?: SetupRule;
  params: Record<string, string | number>;
  message: string;
}

/** Factors per bar unless `dataset.factors` says otherwise (the engine's CORE_FACTOR_COUNT). */
export const DEFAULT_FACTOR_COUNT = 56;

type Loose = { [k: string]: unknown };
const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The cross-field rules on a setup of any shape (fields of the wrong type are left to the schema). */
export function crossFieldIssues(setup: unknown): SetupIssue[] {
  const out: SetupIssue[] = [];
  const add = (path: string, rule: SetupRule, params: SetupIssue['params'], message: string) =>
    out.push({ path, code: 'rule', rule, params, message });
  const s = obj(setup);
  const ds = obj(s.dataset);
  const wf = obj(s.walkForward);
  const up = num(ds.upThreshold);
  const down = num(ds.downThreshold);
  const H = num(ds.horizonDays);
  if (up !== undefined && down !== undefined && down >= up)
    add(
      'dataset.downThreshold',
      'downBelowUp',
      { up: pct(up), down: pct(down) },
      `must be below the up threshold (${pct(down)} >= ${pct(up)}): the flat class lies between them`,
    );
  const from = str(ds.from);
  const to = str(ds.to);
  if (from && to && from > to)
    add('dataset.to', 'fromBeforeTo', { from, to }, `${to} is before From (${from})`);
  const target = str(ds.target);
  const channels = Array.isArray(ds.channels) ? ds.channels.filter((c) => typeof c === 'string') : [];
  if (target && channels.length && channels[0] !== target)
    add(
      'dataset.channels',
      'targetFirst',
      { target, first: String(channels[0]) },
      `the first channel must be the target ${target}`,
    );
  const twice = channels.find((c, i) => channels.indexOf(c) !== i);
  if (twice) add('dataset.channels', 'channelsUnique', { code: twice }, `lists ${twice} twice`);
  const embargo = num(wf.embargoDays);
  if (H !== undefined && embargo !== undefined && embargo < H)
    add(
      'walkForward.embargoDays',
      'embargoAtLeastHorizon',
      { horizon: H },
      `must be at least the horizon (${H} trading days): a shorter gap lets test labels overlap training labels`,
    );
  const test = num(wf.testDays);
  const step = num(wf.stepDays);
  if (test !== undefined && step !== undefined && step < test)
    add(
      'walkForward.stepDays',
      'stepAtLeastTest',
      { test },
      `must be at least the test span (${test}) so test blocks never overlap`,
    );
  const testFrom = str(wf.testFrom);
  const testTo = str(wf.testTo);
  if (testFrom && testTo && testFrom > testTo)
    add(
      'walkForward.testTo',
      'testFromBeforeTestTo',
      { from: testFrom, to: testTo },
      `is before ${testFrom}`,
    );
  const sets = Array.isArray(obj(s.ablation).channelSets) ? (obj(s.ablation).channelSets as unknown[]) : [];
  sets.forEach((set, i) => {
    if (target && Array.isArray(set) && set.length && set[0] !== target)
      add(
        `ablation.channelSets.${i}`,
        'ablationStartsWithTarget',
        { target },
        `must start with the target ${target}`,
      );
  });
  const block = num(obj(s.bootstrap).blockLength);
  if (H !== undefined && block !== undefined && block < H)
    add(
      'bootstrap.blockLength',
      'blockAtLeastHorizon',
      { horizon: H },
      `must be at least the horizon (${H}) because labels overlap`,
    );
  const lookback = num(ds.lookbackDays);
  const bars = num(ds.barsPerDay);
  const factors = Array.isArray(ds.factors) ? ds.factors.length : DEFAULT_FACTOR_COUNT;
  if (ds.layout === 'seed' && lookback !== undefined && bars !== undefined) {
    const total = lookback * bars * factors;
    const side = Math.round(Math.sqrt(total));
    if (side * side !== total)
      add(
        'dataset.lookbackDays',
        'seedSquare',
        { lookback, bars, factors, total },
        `the 'seed' layout needs lookback x bars/day x factors (${lookback} x ${bars} x ${factors} = ${total}) to be a square number`,
      );
  }
  return out;
}

function fromZod(i: z.core.$ZodIssue): SetupIssue {
  const params: SetupIssue['params'] = {};
  const raw = i as unknown as Loose;
  for (const k of ['minimum', 'maximum', 'expected', 'format', 'inclusive', 'origin'] as const)
    if (raw[k] !== undefined) params[k] = typeof raw[k] === 'bigint' ? Number(raw[k]) : String(raw[k]);
  if (i.code === 'invalid_value' && Array.isArray(raw.values)) params.values = raw.values.join(', ');
  return { path: i.path.map(String).join('.'), code: i.code, params, message: i.message };
}

/** Every problem of a setup: the schema's (bounds, types, formats) and the cross-field rules, one per path. */
export function setupIssues(setup: unknown): SetupIssue[] {
  const r = appStudyConfigSchema.safeParse(setup);
  const all = [...(r.success ? [] : r.error.issues.map(fromZod)), ...crossFieldIssues(setup)];
  const seen = new Set<string>();
  return all.filter((i) => !seen.has(i.path) && seen.add(i.path));
}

/** The app's setup schema with the cross-field rules: what the IPC contract and the settings accept. */
export const appStudySetupSchema = appStudyConfigSchema.superRefine((setup, ctx) => {
  for (const i of crossFieldIssues(setup))
    ctx.addIssue({
      code: 'custom',
      path: i.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      message: i.message,
      params: { rule: i.rule, ...i.params },
    });
});

/** True when the setup passes every rule. */
export function isValidSetup(setup: unknown): setup is AppStudyConfig {
  return setupIssues(setup).length === 0;
}
