/**
 * Power analysis of the verdict procedure: run the same study pipeline on surrogate data with a planted signal of
 * increasing strength (surrogate.ts), R replicates per strength, and report the share of replicates whose verdict
 * detected an edge (power) and the balanced-accuracy edge the study measured there (cell minus best baseline).
 * The answer to "could this study have seen a signal?" is the mean edge at the smallest strength from which on every
 * swept strength is detected with at least 80 % power (few replicates make the power estimates noisy, so a lone
 * lucky strength below a weaker one does not count); if there is none, the study says so plainly.
 */
import type { StudyStatistics } from '../../../../shared/study-statistics';

export interface PowerRun {
  strength: number;
  replicate: number;
  detected: boolean;
  /** Measured balanced-accuracy edge of the judged cell over the best baseline (fraction). */
  edge: number | null;
  /** Edge of the planted rule itself (an oracle that knows the tells), when the runner reports it. */
  plantedEdge?: number | null;
}

export interface PowerAnalysisOptions {
  strengths: number[];
  replicates: number;
  /** One study on surrogate data of this strength and replicate: its statistics (and the planted rule's edge). */
  runOne: (
    strength: number,
    replicate: number,
  ) => Promise<{ statistics: StudyStatistics; plantedEdge?: number | null }>;
  /** Cell whose verdict counts (default: the study's verdict, any cell after Holm). */
  cell?: string;
  targetPower?: number;
  onRun?: (run: PowerRun) => void;
}

export interface PowerAnalysis {
  strengths: number[];
  /** Share detected per strength. */
  power: number[];
  /** Mean measured edge per strength (null where none could be measured). */
  meanEdge: (number | null)[];
  meanPlantedEdge: (number | null)[];
  runs: PowerRun[];
  targetPower: number;
  /** Smallest strength from which on every power >= targetPower, and the mean edge measured there. */
  minimumStrength: number | null;
  minimumDetectableEdge: number | null;
  /** The verdict on pure noise (strength 0), if it was in the sweep: the false-positive rate. */
  falsePositiveRate: number | null;
}

const mean = (xs: (number | null | undefined)[]) => {
  const f = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : null;
};

/** Runs the sweep (sequentially: each run is a whole study) and summarises it. */
export async function powerAnalysis(opts: PowerAnalysisOptions): Promise<PowerAnalysis> {
  const strengths = [...opts.strengths].sort((a, b) => a - b);
  const target = opts.targetPower ?? 0.8;
  const runs: PowerRun[] = [];
  for (const strength of strengths) {
    for (let r = 0; r < opts.replicates; r++) {
      const { statistics: s, plantedEdge } = await opts.runOne(strength, r);
      const cell = opts.cell ? s.cells.find((c) => c.key === opts.cell) : undefined;
      if (opts.cell && !cell) throw new Error(`powerAnalysis: no cell ${opts.cell} in the study`);
      const judged =
        cell ??
        s.cells.reduce((a, b) =>
          (b.vsBestBaseline.difference.estimate ?? -Infinity) >
          (a.vsBestBaseline.difference.estimate ?? -Infinity)
            ? b
            : a,
        );
      const run: PowerRun = {
        strength,
        replicate: r,
        detected: cell ? cell.vsBestBaseline.edge : s.verdict.edgeDetected,
        edge: judged.vsBestBaseline.difference.estimate,
        plantedEdge: plantedEdge ?? null,
      };
      runs.push(run);
      opts.onRun?.(run);
    }
  }
  const by = (s: number) => runs.filter((r) => r.strength === s);
  const power = strengths.map((s) => by(s).filter((r) => r.detected).length / Math.max(1, by(s).length));
  const meanEdge = strengths.map((s) => mean(by(s).map((r) => r.edge)));
  const meanPlantedEdge = strengths.map((s) => mean(by(s).map((r) => r.plantedEdge)));
  let k = -1;
  for (let j = power.length - 1; j >= 0 && power[j] >= target; j--) k = j;
  const zero = strengths.indexOf(0);
  return {
    strengths,
    power,
    meanEdge,
    meanPlantedEdge,
    runs,
    targetPower: target,
    minimumStrength: k >= 0 ? strengths[k] : null,
    minimumDetectableEdge: k >= 0 ? meanEdge[k] : null,
    falsePositiveRate: zero >= 0 ? power[zero] : null,
  };
}

/** The summary.json form of a power analysis, with a note on what was swept. */
export function powerDto(a: PowerAnalysis, description: string): NonNullable<StudyStatistics['power']> {
  return {
    edge: a.minimumDetectableEdge,
    strengths: a.strengths,
    power: a.power,
    note:
      `${description}; ${a.runs.length / Math.max(1, a.strengths.length)} replicate(s) per strength` +
      (a.minimumStrength === null
        ? `; no strength reached ${Math.round(a.targetPower * 100)} % power: the model did not learn even the strongest planted signal often enough`
        : `; ${Math.round(a.targetPower * 100)} % power first at planted strength ${a.minimumStrength}`),
  };
}
