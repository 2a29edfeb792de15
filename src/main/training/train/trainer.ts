/**
 * The training loop: a custom loop over on-the-fly batches (not model.fit) so that every random decision is
 * seeded, checkpoints capture the full state after each epoch, and memory stays bounded.
 *
 * Conventions (documented here because results depend on them):
 * - loss = mean over the batch of w[label] * crossEntropy(main output); aux heads add 0.3 x the same term each;
 *   weight decay is L2 in the loss, weightDecay * sum(kernel^2) over conv/dense kernels (not biases, not BN).
 *   Reported `loss` is the class-weighted cross-entropy of the main output (no aux or L2 terms), so it is
 *   comparable between models with and without aux heads.
 * - validation loss uses the same class weights as training (it measures the objective we optimise).
 * - with a validation set, the weights of the epoch with the lowest validation loss are restored at the end,
 *   whether or not early stopping fired.
 * - samples labelled -1 are never trained on.
 */
import { tf } from './tf';
import type { SampleSource } from '../images/sample-source';
import type { ModelSpec } from '../model/spec';
import type { EpochMetrics, TrainProgress, TrainSettings } from './settings';
import { ConfigError } from '../../../shared/errors';
import { AUX_LOSS_WEIGHT, buildModel } from '../model/build';
import { Prng, deriveState, shuffled, withSeededMathRandom } from '../random';
import { checkpointKey, hasCheckpoint, loadCheckpoint, saveCheckpoint, type TrainState } from './checkpoint';

export const NUM_CLASSES = 3;
const EPS = 1e-7;

/** Builds the network for a spec; the trainer's default loads engineer C's model/build. */
export type ModelFactory = (
  spec: ModelSpec,
  inputShape: number[],
  opts: { seed: number; numClasses?: number },
) => tf.LayersModel;

export interface TrainOptions {
  model: ModelSpec;
  settings: TrainSettings;
  trainSet: SampleSource;
  valSet?: SampleSource;
  /** Run folder: checkpoints go to <runDir>/checkpoint; an existing checkpoint there is resumed. */
  runDir?: string;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called after each completed (and checkpointed) epoch. */
  onEpoch?: (m: EpochMetrics) => void;
  /** Overrides the model builder (tests; baselines). Default: buildModel from ../model/build. */
  buildModel?: ModelFactory;
  /** Backend name to report; default tf.getBackend(). */
  backend?: string;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochMetrics[];
  backend: string;
  stoppedEarly: boolean;
  cancelled: boolean;
  /** Epoch (1-based) whose weights the model holds when a validation set restored the best; else undefined. */
  bestEpoch?: number;
  /** Class weights used for [down, flat, up]. */
  classWeights: number[];
}

/** Class weights for [down, flat, up]: 'balanced' = n / (3 * n_class) over labelled samples (0 for absent classes). */
export function computeClassWeights(labels: ArrayLike<number>, mode: 'balanced' | 'none'): number[] {
  if (mode === 'none') return [1, 1, 1];
  const counts = [0, 0, 0];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l >= 0 && l < NUM_CLASSES) counts[l]++;
  }
  const n = counts[0] + counts[1] + counts[2];
  return counts.map((c) => (c > 0 ? n / (NUM_CLASSES * c) : 0));
}

/** Learning rate of a 0-based epoch: constant, cosine from lr to 10 % of lr, or step (x0.1 from 2/3 of the epochs). */
export function learningRateAt(
  s: Pick<TrainSettings, 'learningRate' | 'lrSchedule' | 'epochs'>,
  epoch: number,
): number {
  const lr = s.learningRate;
  if (s.lrSchedule === 'cosine') {
    const t = s.epochs > 1 ? epoch / (s.epochs - 1) : 0;
    return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
  }
  if (s.lrSchedule === 'step') return epoch >= Math.floor((2 * s.epochs) / 3) ? lr * 0.1 : lr;
  return lr;
}

/** The optimizer of the settings: Adam, or SGD with momentum. */
export function makeOptimizer(s: TrainSettings): tf.Optimizer {
  return s.optimizer === 'adam'
    ? tf.train.adam(s.learningRate)
    : tf.train.momentum(s.learningRate, s.momentum);
}

function setLearningRate(opt: tf.Optimizer, lr: number): void {
  // SGD/momentum cache -lr in a scalar; Adam reads the field on every step
  const o = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Fills a batch buffer and its labels for the given sample indices. */
function fillBatch(source: SampleSource, indices: number[], x: Float32Array, y: Int32Array): void {
  const size = source.shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < indices.length; k++) {
    source.fill(indices[k], x, k * size);
    y[k] = source.label(indices[k]);
  }
}

function weightedCE(probs: tf.Tensor, oneHot: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(probs, EPS, 1 - EPS))), -1));
  return tf.mean(tf.mul(ce, w));
}

function kernelsOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.filter((w) => /kernel/i.test(w.name)).map((w) => w.read() as tf.Variable);
}

/** Class probabilities (count x 3, rows sum to 1) of every sample of a source, in inference mode. */
export function predictProba(model: tf.LayersModel, source: SampleSource, batchSize = 64): Float32Array {
  const size = source.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(source.count * NUM_CLASSES);
  for (let start = 0; start < source.count; start += batchSize) {
    const n = Math.min(batchSize, source.count - start);
    const buf = new Float32Array(n * size);
    for (let k = 0; k < n; k++) source.fill(start + k, buf, k * size);
    const probs = tf.tidy(() => {
      const res = model.predict(tf.tensor(buf, [n, ...source.shape]));
      return (Array.isArray(res) ? res[0] : res) as tf.Tensor;
    });
    out.set(probs.dataSync() as Float32Array, start * NUM_CLASSES);
    probs.dispose();
  }
  return out;
}

/** Class-weighted loss and accuracy of the main output over all labelled samples of a source (inference mode). */
export function evaluate(
  model: tf.LayersModel,
  source: SampleSource,
  classWeights: number[],
  batchSize = 64,
): { loss: number; accuracy: number } {
  const probs = predictProba(model, source, batchSize);
  let loss = 0;
  let correct = 0;
  let n = 0;
  for (let i = 0; i < source.count; i++) {
    const l = source.label(i);
    if (l < 0) continue;
    const p = Math.min(Math.max(probs[i * 3 + l], EPS), 1 - EPS);
    loss += -Math.log(p) * classWeights[l];
    let arg = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[i * 3 + c] > probs[i * 3 + arg]) arg = c;
    if (arg === l) correct++;
    n++;
  }
  return n ? { loss: loss / n, accuracy: correct / n } : { loss: NaN, accuracy: NaN };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Trains a model (or resumes it from <runDir>/checkpoint); see the file comment for the loss conventions. */
export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { settings: s, trainSet, valSet, signal, runDir } = opts;
  const backend = opts.backend ?? tf.getBackend();
  const log = (line: string) => opts.log?.(line);
  if (!(s.batchSize >= 1)) throw new ConfigError('train.batchSize', `must be >= 1, got ${s.batchSize}`);
  if (!(s.epochs >= 1)) throw new ConfigError('train.epochs', `must be >= 1, got ${s.epochs}`);

  const trainIdx: number[] = [];
  const trainLabels: number[] = [];
  for (let i = 0; i < trainSet.count; i++) {
    const l = trainSet.label(i);
    if (l >= 0) {
      trainIdx.push(i);
      trainLabels.push(l);
    }
  }
  if (trainIdx.length === 0) throw new ConfigError('trainSet', 'has no labelled samples');
  const classWeights = computeClassWeights(trainLabels, s.classWeights);

  const build = opts.buildModel ?? buildModel;
  const model = build(opts.model, trainSet.shape, { seed: s.seed, numClasses: NUM_CLASSES });
  const optimizer = makeOptimizer(s);
  const key = checkpointKey(opts.model, s, trainSet.shape, trainIdx.length, valSet?.count ?? 0);

  let state: TrainState = {
    epoch: 0,
    history: [],
    best: { valLoss: Infinity, epoch: 0, wait: 0 },
    stopped: false,
    stoppedEarly: false,
  };
  if (runDir && hasCheckpoint(runDir)) {
    state = await loadCheckpoint(runDir, model, optimizer, key);
    log(`resumed from checkpoint after epoch ${state.epoch}`);
  }

  const size = trainSet.shape.reduce((a, b) => a * b, 1);
  const batches = Math.ceil(trainIdx.length / s.batchSize);
  const trainables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = kernelsOf(model);
  const cw = tf.tensor1d(classWeights);
  const startTime = Date.now();
  let samplesThisSession = 0;
  let sps = 0;
  let cancelled = false;
  log(
    `training ${trainIdx.length} samples (${batches} batches of ${s.batchSize}), val ${valSet?.count ?? 0}, class weights ${classWeights.map((w) => w.toFixed(3)).join('/')}`,
  );

  try {
    for (let epoch = state.epoch; epoch < s.epochs && !state.stopped; epoch++) {
      const epochStart = Date.now();
      const lr = learningRateAt(s, epoch);
      setLearningRate(optimizer, lr);
      const order = shuffled(trainIdx, new Prng(deriveState(s.seed, epoch, 0x5eed)));
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted) {
          cancelled = true;
          break;
        }
        const idx = order.slice(b * s.batchSize, (b + 1) * s.batchSize);
        const n = idx.length;
        const xBuf = new Float32Array(n * size);
        const yBuf = new Int32Array(n);
        fillBatch(trainSet, idx, xBuf, yBuf);
        const x = tf.tensor(xBuf, [n, ...trainSet.shape]);
        const y = tf.tensor1d(yBuf, 'int32');
        let mainLoss: tf.Tensor | undefined;
        let correct: tf.Tensor | undefined;
        withSeededMathRandom(new Prng(deriveState(s.seed, epoch, b)), () =>
          optimizer.minimize(
            () => {
              const oneHot = tf.oneHot(y, NUM_CLASSES);
              const w = tf.gather(cw, y);
              const res = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
              const outs = Array.isArray(res) ? res : [res];
              const main = weightedCE(outs[0], oneHot, w);
              let total: tf.Scalar = main;
              for (const aux of outs.slice(1))
                total = tf.add(total, tf.mul(weightedCE(aux, oneHot, w), AUX_LOSS_WEIGHT));
              if (s.weightDecay > 0 && kernels.length) {
                const l2 = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
                total = tf.add(total, tf.mul(l2, s.weightDecay));
              }
              mainLoss = tf.keep(tf.clone(main)); // a clone: minimize disposes the returned cost, which may be `main` itself
              correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(outs[0], -1), y), 'float32')));
              return total;
            },
            false,
            trainables,
          ),
        );
        const batchLoss = mainLoss!.dataSync()[0];
        const batchCorrect = correct!.dataSync()[0];
        tf.dispose([x, y, mainLoss!, correct!]);
        lossSum += batchLoss * n;
        correctSum += batchCorrect;
        seen += n;
        samplesThisSession += n;
        const elapsed = (Date.now() - startTime) / 1000;
        sps = elapsed > 0 ? samplesThisSession / elapsed : 0;
        const remaining = (s.epochs - epoch - 1) * trainIdx.length + (trainIdx.length - seen);
        opts.onProgress?.({
          epoch: epoch + 1,
          epochs: s.epochs,
          batch: b + 1,
          batches,
          loss: lossSum / seen,
          accuracy: correctSum / seen,
          samplesPerSecond: sps,
          etaSeconds: sps > 0 ? remaining / sps : NaN,
          backend,
          phase: 'train',
        });
        await yieldToEventLoop();
      }
      if (cancelled) {
        log(`cancelled during epoch ${epoch + 1}; the checkpoint after epoch ${state.epoch} is kept`);
        break;
      }
      const m: EpochMetrics = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        learningRate: lr,
        seconds: 0,
      };
      if (valSet && valSet.count > 0) {
        opts.onProgress?.({
          epoch: epoch + 1,
          epochs: s.epochs,
          batch: batches,
          batches,
          loss: m.loss,
          accuracy: m.accuracy,
          samplesPerSecond: sps,
          etaSeconds: NaN,
          backend,
          phase: 'validate',
        });
        const v = evaluate(model, valSet, classWeights, Math.max(s.batchSize, 32));
        m.valLoss = v.loss;
        m.valAccuracy = v.accuracy;
        if (v.loss < state.best.valLoss) {
          state.best = {
            valLoss: v.loss,
            epoch: epoch + 1,
            wait: 0,
            weights: model.getWeights().map((t) => t.dataSync().slice() as Float32Array),
          };
        } else {
          state.best.wait++;
          if (s.earlyStoppingPatience > 0 && state.best.wait >= s.earlyStoppingPatience) {
            state.stopped = true;
            state.stoppedEarly = true;
          }
        }
      }
      m.seconds = (Date.now() - epochStart) / 1000;
      state.history.push(m);
      state.epoch = epoch + 1;
      if (state.epoch >= s.epochs) state.stopped = true;
      if (runDir) await saveCheckpoint(runDir, model, optimizer, state, key, s.seed);
      log(
        `epoch ${m.epoch}/${s.epochs} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(3)}` +
          (m.valLoss !== undefined
            ? ` val_loss ${m.valLoss.toFixed(4)} val_acc ${m.valAccuracy!.toFixed(3)}`
            : '') +
          ` lr ${lr.toExponential(2)} ${m.seconds.toFixed(1)} s` +
          (state.stoppedEarly ? ` early stop (best epoch ${state.best.epoch})` : ''),
      );
      opts.onEpoch?.(m);
    }
  } finally {
    cw.dispose();
    optimizer.dispose();
  }

  let bestEpoch: number | undefined;
  if (!cancelled && state.best.weights) {
    const ts = state.best.weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[]));
    model.setWeights(ts);
    tf.dispose(ts);
    bestEpoch = state.best.epoch;
  }
  opts.onProgress?.({
    epoch: state.epoch,
    epochs: s.epochs,
    batch: batches,
    batches,
    loss: state.history.at(-1)?.loss ?? NaN,
    accuracy: state.history.at(-1)?.accuracy ?? NaN,
    samplesPerSecond: sps,
    etaSeconds: 0,
    backend,
    phase: 'done',
  });
  return {
    model,
    history: state.history,
    backend,
    stoppedEarly: state.stoppedEarly,
    cancelled,
    bestEpoch,
    classWeights,
  };
}
