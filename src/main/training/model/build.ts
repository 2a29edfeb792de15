/**
 * Model builders: GoogLeNet / Inception v1 (Szegedy et al. 2014), a compact Inception, and the baselines
 * (logistic regression, MLP, plain CNN), all in one harness. Every weight is set from a seeded generator after
 * building (init.ts), so the same spec + input shape + seed gives bit-identical initial weights.
 *
 * Input-size rule (per axis, so non-square inputs such as 896x56 get different strides on rows and columns):
 * each image preset has S stride-2 stages, in input order —
 *   googlenet: stem conv 7x7/2, stem max-pool 1, stem max-pool 2, max-pool after 3b, max-pool after 4e (S = 5);
 *   compact:   the first four of those (S = 4);
 *   cnn:       the max-pool of each of its 3 conv blocks (S = 3).
 * An axis of n pixels keeps r = the largest integer in [0, S] with n >= 7 * 2^r stride-2 stages; the FIRST S - r
 * stages get stride 1 on that axis (a pool whose both axes are dropped is left out; a pool dropped on one axis has
 * pool size 1 there). The feature map before global pooling is then ceil(n / 2^r) on that axis: 7 for 224 and for
 * 56, between 7 and 14 for 7 <= n < 7 * 2^(S+1), never below min(n, 7) (so >= 2 for any input of >= 2 px).
 * Examples (googlenet): 224 -> all 5 stages; 112 -> stem conv stride 1; 56 -> stem conv stride 1 and the first
 * pool dropped; 896 rows -> all 5 (28 rows at the end).
 */
import { tf } from '../train/tf';
import { ConfigError } from '../../../shared/errors';
import { initWeightsSeeded } from './init';
import { fusedConv2d } from './fused-conv';
import { lrn } from './lrn';
import { modelInput, validateSpec, type ModelPreset, type ModelSpec } from './spec';

export { validateSpec } from './spec';

/** Inception module filter counts from Table 1 of the paper: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
export type InceptionFilters = readonly [number, number, number, number, number, number];

export const INCEPTION_TABLE: Readonly<Record<string, InceptionFilters>> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
};

/** Loss weight of each auxiliary head (the paper's 0.3); the main output has weight 1. */
export const AUX_LOSS_WEIGHT = 0.3;
/** Dropout inside the auxiliary heads (paper: 70 %). */
export const AUX_DROPOUT = 0.7;

/** Names of the stride-2 stages of each image preset, in input order (see the file comment). */
export const STRIDE_STAGES: Readonly<Partial<Record<ModelPreset, readonly string[]>>> = {
  googlenet: [
    'stem conv 7x7',
    'stem max-pool 1',
    'stem max-pool 2',
    'max-pool after 3b',
    'max-pool after 4e',
  ],
  compact: ['stem conv 7x7', 'stem max-pool 1', 'stem max-pool 2', 'max-pool after 3b'],
  cnn: ['block 1 max-pool', 'block 2 max-pool', 'block 3 max-pool'],
};

/** The target size of the last feature map per axis; see the file comment. */
const TARGET_FINAL = 7;

export interface AxisPlan {
  /** Input pixels on this axis. */
  size: number;
  /** Stride-2 stages kept on this axis. */
  reductions: number;
  /** Stride (1 or 2) of each stage of STRIDE_STAGES[preset] on this axis. */
  strides: number[];
  /** Size of the feature map before global pooling on this axis (SAME padding: ceil(size / 2^reductions)). */
  finalSize: number;
}

export interface StridePlan {
  stages: string[];
  rows: AxisPlan;
  cols: AxisPlan;
}

/** Per-axis stride plan for an image preset and an input [height, width, channels] (the input-size rule). */
export function stridePlan(preset: ModelPreset, inputShape: number[]): StridePlan {
  const stages = STRIDE_STAGES[preset];
  if (!stages)
    throw new ConfigError('model.preset', `'${preset}' reads the last-bar vector and has no stride plan`);
  checkImageShape(inputShape);
  const axis = (size: number): AxisPlan => {
    const s = stages.length;
    let r = 0;
    while (r < s && size >= TARGET_FINAL * 2 ** (r + 1)) r++;
    const strides = stages.map((_, i) => (i >= s - r ? 2 : 1));
    return { size, reductions: r, strides, finalSize: Math.ceil(size / 2 ** r) };
  };
  return { stages: [...stages], rows: axis(inputShape[0]), cols: axis(inputShape[1]) };
}

/** Filters after the width multiplier: max(1, round(n * width)) — min 1 so that tiny widths still build. */
export function scaleFilters(n: number, width: number): number {
  return Math.max(1, Math.round(n * width));
}

function checkImageShape(inputShape: number[]): void {
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ConfigError(
      'inputShape',
      `image presets need [height, width, channels] of positive integers, got [${inputShape.join(', ')}]`,
    );
  }
  if (inputShape[0] < 2 || inputShape[1] < 2)
    throw new ConfigError(
      'inputShape',
      `images must be at least 2x2 pixels, got ${inputShape[0]}x${inputShape[1]}`,
    );
}

type SymbolicTensor = tf.SymbolicTensor;

/** Builds the layer graph with helpers that name every layer, so weight names are stable across builds. */
class GraphBuilder {
  constructor(private readonly spec: ModelSpec) {}

  f(n: number): number {
    return scaleFilters(n, this.spec.width);
  }

  /** Conv (SAME) + optional batch norm + ReLU; with batch norm the conv has no bias (BN's beta replaces it). */
  conv(
    x: SymbolicTensor,
    filters: number,
    kernel: number | [number, number],
    strides: [number, number],
    name: string,
  ): SymbolicTensor {
    const bn = this.spec.batchNorm;
    let y = fusedConv2d({
      name: name,
      filters,
      kernelSize: kernel,
      strides,
      padding: 'same',
      useBias: !bn,
      activation: bn ? 'linear' : 'relu',
      kernelInitializer: 'zeros', // overwritten by the seeded initialiser
    }).apply(x) as SymbolicTensor;
    if (bn) {
      y = tf.layers.batchNormalization({ name: `${name}_bn`, axis: -1 }).apply(y) as SymbolicTensor;
      y = tf.layers.activation({ name: `${name}_relu`, activation: 'relu' }).apply(y) as SymbolicTensor;
    }
    return y;
  }

  /** Max-pool 3x3 (SAME) with per-axis strides; an axis with stride 1 gets pool size 1; none at all -> no layer. */
  pool(x: SymbolicTensor, strides: [number, number], name: string, size = 3): SymbolicTensor {
    if (strides[0] === 1 && strides[1] === 1) return x;
    const poolSize: [number, number] = [strides[0] === 1 ? 1 : size, strides[1] === 1 ? 1 : size];
    return tf.layers
      .maxPooling2d({ name: name, poolSize, strides, padding: 'same' })
      .apply(x) as SymbolicTensor;
  }

  lrn(x: SymbolicTensor, name: string): SymbolicTensor {
    return this.spec.lrn ? (lrn({ name: name }).apply(x) as SymbolicTensor) : x;
  }

  inception(x: SymbolicTensor, id: string): SymbolicTensor {
    const [n1, n3r, n3, n5r, n5, np] = INCEPTION_TABLE[id];
    const k3 = this.spec.branch3x3 === 'paper' ? 3 : 1;
    const s: [number, number] = [1, 1];
    const b1 = this.conv(x, this.f(n1), 1, s, `inc${id}_1x1`);
    const b3 = this.conv(
      this.conv(x, this.f(n3r), 1, s, `inc${id}_3x3_reduce`),
      this.f(n3),
      k3,
      s,
      `inc${id}_3x3`,
    );
    const b5 = this.conv(
      this.conv(x, this.f(n5r), 1, s, `inc${id}_5x5_reduce`),
      this.f(n5),
      5,
      s,
      `inc${id}_5x5`,
    );
    const p = tf.layers
      .maxPooling2d({ name: `inc${id}_pool`, poolSize: 3, strides: 1, padding: 'same' })
      .apply(x) as SymbolicTensor;
    const bp = this.conv(p, this.f(np), 1, s, `inc${id}_pool_proj`);
    return tf.layers
      .concatenate({ name: `inc${id}_concat`, axis: -1 })
      .apply([b1, b3, b5, bp]) as SymbolicTensor;
  }

  /** GoogLeNet stem up to the second max-pool; strides are the first three stages of the plan. */
  stem(x: SymbolicTensor, st: [number, number][]): SymbolicTensor {
    let y = this.conv(x, this.f(64), 7, st[0], 'stem_conv7x7');
    y = this.pool(y, st[1], 'stem_pool1');
    y = this.lrn(y, 'stem_lrn1');
    y = this.conv(y, this.f(64), 1, [1, 1], 'stem_conv1x1');
    y = this.conv(y, this.f(192), 3, [1, 1], 'stem_conv3x3');
    y = this.lrn(y, 'stem_lrn2');
    return this.pool(y, st[2], 'stem_pool2');
  }

  /** Auxiliary head: average pool to at most 4x4 (exactly the paper's 5x5/3 on a 14x14 map), conv 1x1, FC, dropout, softmax. */
  auxHead(x: SymbolicTensor, name: string, numClasses: number): SymbolicTensor {
    const [h, w] = x.shape.slice(1, 3) as number[];
    const adapt = (n: number): [number, number] => {
      const out = Math.min(4, n);
      const stride = Math.floor(n / out);
      return [n - (out - 1) * stride, stride];
    };
    const [ph, sh] = adapt(h);
    const [pw, sw] = adapt(w);
    let y = tf.layers
      .averagePooling2d({ name: `${name}_pool`, poolSize: [ph, pw], strides: [sh, sw], padding: 'valid' })
      .apply(x) as SymbolicTensor;
    y = this.conv(y, this.f(128), 1, [1, 1], `${name}_conv`);
    y = tf.layers.flatten({ name: `${name}_flatten` }).apply(y) as SymbolicTensor;
    y = tf.layers
      .dense({ name: `${name}_fc`, units: this.f(1024), activation: 'relu', kernelInitializer: 'zeros' })
      .apply(y) as SymbolicTensor;
    y = tf.layers.dropout({ name: `${name}_dropout`, rate: AUX_DROPOUT }).apply(y) as SymbolicTensor;
    return tf.layers
      .dense({ name: `${name}_probs`, units: numClasses, activation: 'softmax', kernelInitializer: 'zeros' })
      .apply(y) as SymbolicTensor;
  }

  head(x: SymbolicTensor, numClasses: number): SymbolicTensor {
    let y = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as SymbolicTensor;
    if (this.spec.dropout > 0)
      y = tf.layers.dropout({ name: 'dropout', rate: this.spec.dropout }).apply(y) as SymbolicTensor;
    return tf.layers
      .dense({ name: 'probs', units: numClasses, activation: 'softmax', kernelInitializer: 'zeros' })
      .apply(y) as SymbolicTensor;
  }
}

function stageStrides(plan: StridePlan): [number, number][] {
  return plan.stages.map((_, i) => [plan.rows.strides[i], plan.cols.strides[i]] as [number, number]);
}

/**
 * Builds the model of a spec for one sample shape ([height, width, channels] for images, [features] for the
 * last-bar presets); outputs class probabilities (softmax over numClasses, default 3). googlenet with auxHeads has
 * three outputs: main, aux after 4a, aux after 4d. Weights come from a seeded generator (opts.seed).
 */
export function buildModel(
  spec: ModelSpec,
  inputShape: number[],
  opts: { seed: number; numClasses?: number },
): tf.LayersModel {
  validateSpec(spec);
  const numClasses = opts.numClasses ?? 3;
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new ConfigError('numClasses', `must be an integer >= 2, got ${numClasses}`);
  if (!Number.isInteger(opts.seed)) throw new ConfigError('seed', `must be an integer, got ${opts.seed}`);
  const g = new GraphBuilder(spec);
  const name = `${spec.preset}_w${spec.width}`;
  let model: tf.LayersModel;

  if (modelInput(spec.preset) === 'last-bar') {
    if (inputShape.length !== 1 || !Number.isInteger(inputShape[0]) || inputShape[0] < 1) {
      throw new ConfigError(
        'inputShape',
        `'${spec.preset}' reads the last-bar vector: expected [features], got [${inputShape.join(', ')}]`,
      );
    }
    const input = tf.input({ name: 'input', shape: inputShape });
    let y: SymbolicTensor = input;
    if (spec.preset === 'mlp') {
      for (const [i, units] of [g.f(256), g.f(128)].entries()) {
        y = tf.layers
          .dense({ name: `hidden${i + 1}`, units, activation: 'relu', kernelInitializer: 'zeros' })
          .apply(y) as SymbolicTensor;
        if (spec.dropout > 0)
          y = tf.layers.dropout({ name: `dropout${i + 1}`, rate: spec.dropout }).apply(y) as SymbolicTensor;
      }
    }
    const out = tf.layers
      .dense({ name: 'probs', units: numClasses, activation: 'softmax', kernelInitializer: 'zeros' })
      .apply(y) as SymbolicTensor;
    model = tf.model({ name, inputs: input, outputs: out });
  } else {
    const plan = stridePlan(spec.preset, inputShape);
    const st = stageStrides(plan);
    const input = tf.input({ name: 'input', shape: inputShape });
    if (spec.preset === 'cnn') {
      let y: SymbolicTensor = input;
      for (const [i, filters] of [32, 64, 128].entries()) {
        y = g.conv(y, g.f(filters), 3, [1, 1], `block${i + 1}_conv`);
        y = g.pool(y, st[i], `block${i + 1}_pool`, 2);
      }
      model = tf.model({ name, inputs: input, outputs: g.head(y, numClasses) });
    } else {
      let y = g.stem(input, st);
      y = g.inception(y, '3a');
      y = g.inception(y, '3b');
      y = g.pool(y, st[3], 'pool3');
      y = g.inception(y, '4a');
      const outputs: SymbolicTensor[] = [];
      if (spec.preset === 'googlenet') {
        const at4a = y;
        for (const id of ['4b', '4c', '4d']) y = g.inception(y, id);
        const at4d = y;
        y = g.inception(y, '4e');
        y = g.pool(y, st[4], 'pool4');
        y = g.inception(y, '5a');
        y = g.inception(y, '5b');
        outputs.push(g.head(y, numClasses));
        if (spec.auxHeads)
          outputs.push(g.auxHead(at4a, 'aux1', numClasses), g.auxHead(at4d, 'aux2', numClasses));
      } else {
        outputs.push(g.head(y, numClasses));
      }
      model = tf.model({ name, inputs: input, outputs: outputs.length === 1 ? outputs[0] : outputs });
    }
  }
  initWeightsSeeded(model, opts.seed);
  return model;
}

/** Loss weights per output (main 1, each aux head AUX_LOSS_WEIGHT), for model.compile. */
export function lossWeights(spec: ModelSpec): number[] {
  return spec.preset === 'googlenet' && spec.auxHeads ? [1, AUX_LOSS_WEIGHT, AUX_LOSS_WEIGHT] : [1];
}

/** Number of weights (trainable and non-trainable, i.e. including batch-norm moving statistics). */
export function countParams(model: tf.LayersModel): number {
  return model.weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** Number of trainable weights. */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** Human-readable description: the spec, the per-axis stride plan (input-size rule) and every layer's output shape and weights. */
export function describeModel(spec: ModelSpec, inputShape: number[]): string {
  const lines: string[] = [];
  lines.push(
    `${spec.preset}: width ${spec.width} (filters = max(1, round(n * width))), 3x3 branches ${spec.branch3x3}, ` +
      `batch norm ${spec.batchNorm ? 'on' : 'off'}, LRN ${spec.lrn ? 'on' : 'off'}, aux heads ${spec.auxHeads ? 'on' : 'off'}, dropout ${spec.dropout}`,
  );
  lines.push(`input [${inputShape.join(', ')}] (${modelInput(spec.preset)})`);
  if (modelInput(spec.preset) === 'image') {
    const plan = stridePlan(spec.preset, inputShape);
    lines.push(
      `input-size rule: per axis of n px keep r = max r <= ${plan.stages.length} with n >= 7 * 2^r stride-2 stages; ` +
        `the first ${plan.stages.length} - r stages get stride 1 on that axis; final map = ceil(n / 2^r)`,
    );
    for (const [label, a] of [
      ['rows', plan.rows],
      ['cols', plan.cols],
    ] as const) {
      const dropped = plan.stages.filter((_, i) => a.strides[i] === 1);
      lines.push(
        `  ${label}: ${a.size} px -> ${a.reductions} of ${plan.stages.length} stride-2 stages -> final ${a.finalSize}` +
          (dropped.length ? `; stride 1 at: ${dropped.join(', ')}` : ''),
      );
    }
  }
  const model = buildModel(spec, inputShape, { seed: 0 });
  try {
    for (const layer of model.layers) {
      const shape = layer.outputShape;
      const shapeText = Array.isArray(shape[0])
        ? (shape as number[][]).map((s) => `[${s.join(',')}]`).join(' ')
        : `[${(shape as number[]).join(',')}]`;
      const params = layer.countParams();
      lines.push(
        `  ${layer.name.padEnd(24)} ${layer.getClassName().padEnd(26)} ${shapeText.padEnd(22)} ${params}`,
      );
    }
    lines.push(`parameters: ${countParams(model)} (trainable ${countTrainableParams(model)})`);
  } finally {
    model.dispose();
  }
  return lines.join('\n');
}
