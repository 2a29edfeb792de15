/** Training settings and the progress a training run reports; shared by the engine, the CLI and the app. Pure. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** L2 weight decay coefficient added to the loss for kernel weights. */
  weightDecay: number;
  /** 'balanced' weights each class by n / (3 * n_class) of the training set. */
  classWeights: 'balanced' | 'none';
  /** Stop after this many epochs without validation-loss improvement; 0 = never. */
  earlyStoppingPatience: number;
  /** Fraction of the training samples (the latest ones, before the embargo) used for validation. */
  validationFraction: number;
  /** 'constant', or 'cosine' decay to 10 % over the epochs, or 'step' (x0.1 at 2/3 of the epochs). */
  lrSchedule: 'constant' | 'cosine' | 'step';
  seed: number;
  /** 'auto' = tensorflow (tfjs-node) when it loads, else wasm, else cpu. */
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export const DEFAULT_TRAIN: TrainSettings = {
  epochs: 10,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-4,
  classWeights: 'balanced',
  earlyStoppingPatience: 3,
  validationFraction: 0.15,
  lrSchedule: 'constant',
  seed: 42,
  backend: 'auto',
};

/** Progress event of a training run. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
  /** Seconds to the end of the run, estimated from the speed so far. */
  etaSeconds: number;
  backend: string;
  phase: 'train' | 'validate' | 'done';
}

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  seconds: number;
}

/** An epoch of one of a study's fold trainings (`fold` = the training's key, `cell_sSeed_fIndex`). */
export interface FoldEpoch extends EpochMetrics {
  fold: string;
}

/**
 * The epoch history with `m` added: an epoch of the same training (same `fold`, or both without one) numbered
 * m.epoch or later is dropped first, since a training that restarts (a study's fold retrained after a cancel, a
 * run resumed from an older checkpoint) repeats those epochs. Pure; returns a new array.
 */
export function withEpoch<T extends EpochMetrics & { fold?: string }>(history: readonly T[], m: T): T[] {
  return [...history.filter((h) => h.fold !== m.fold || h.epoch < m.epoch), m];
}
