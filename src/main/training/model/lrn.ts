/**
 * Local response normalisation as a Keras-style layer (tf.layers has none), registered for serialization so a
 * saved model loads with tf.loadLayersModel.
 *
 * Mapping from the paper / Caffe to tfjs: Caffe (and GoogLeNet's published prototxt: local_size 5, alpha 1e-4,
 * beta 0.75, k 1) computes b_c = a_c / (k + (alpha / n) * sum_{|c'-c| <= (n-1)/2} a_c'^2)^beta, i.e. alpha is divided
 * by the window size n. tf.localResponseNormalization computes a_c / (bias + alpha * sum_{|c'-c| <= depthRadius}
 * a_c'^2)^beta without that division. Hence depthRadius = (n - 1) / 2 = 2, bias = k, alpha_tfjs = alpha / n = 2e-5,
 * beta unchanged. (AlexNet's paper formula has no 1/n and uses k = 2; pass caffeLrn(5, 1e-4 * 5, 0.75, 2) for it.)
 */
import { tf } from '../train/tf';

/** Parameters in tfjs' own convention (see the file comment for the Caffe mapping). */
export interface LrnParams {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/** Converts Caffe's LRN (window size n channels, alpha divided by n, k) to tfjs' parameters. */
export function caffeLrn(size: number, alpha: number, beta: number, k = 1): LrnParams {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0)
    throw new Error(`LRN size must be an odd integer, got ${size}`);
  return { depthRadius: (size - 1) / 2, bias: k, alpha: alpha / size, beta };
}

/** GoogLeNet's LRN (Caffe size 5, alpha 1e-4, beta 0.75, k 1) in tfjs' convention. */
export const GOOGLENET_LRN: LrnParams = caffeLrn(5, 1e-4, 0.75, 1);

export interface LrnLayerArgs extends Partial<LrnParams> {
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
  batchInputShape?: number[];
}

/** Across-channel LRN on NHWC tensors; no weights. Defaults are GoogLeNet's. */
export class LocalResponseNormalization extends tf.layers.Layer {
  static className = 'LocalResponseNormalization';
  readonly depthRadius: number;
  readonly bias: number;
  readonly alpha: number;
  readonly beta: number;

  constructor(args: LrnLayerArgs = {}) {
    super(args);
    this.depthRadius = args.depthRadius ?? GOOGLENET_LRN.depthRadius;
    this.bias = args.bias ?? GOOGLENET_LRN.bias;
    this.alpha = args.alpha ?? GOOGLENET_LRN.alpha;
    this.beta = args.beta ?? GOOGLENET_LRN.beta;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.localResponseNormalization(x, this.depthRadius, this.bias, this.alpha, this.beta);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depthRadius: this.depthRadius,
      bias: this.bias,
      alpha: this.alpha,
      beta: this.beta,
    };
  }
}

tf.serialization.registerClass(LocalResponseNormalization);

/** Creates an LRN layer (GoogLeNet's parameters unless overridden). */
export function lrn(args: LrnLayerArgs = {}): LocalResponseNormalization {
  return new LocalResponseNormalization(args);
}
