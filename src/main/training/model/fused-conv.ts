/**
 * Conv2D + bias + ReLU as one differentiable op for training. tfjs fuses them only for inference: under a
 * gradient tape its fused conv2d falls back to Conv2D, Add and Relu, each output kept for the backward pass
 * (three activation-sized tensors per convolution, and Add, Relu, Step, Multiply and Sum as separate passes over
 * memory). Here the forward pass is one FusedConv2D kernel and only its output is kept; the backward pass masks dy
 * by y > 0 (which is x > 0 for y = relu(x)) and sums the bias gradient in one kernel (FiReluBiasGrad, native
 * under wasm; tfjs ops elsewhere), then runs the two convolution gradients tfjs itself would.
 *
 * The layer is tfjs-layers' own Conv2D class with this call(), and serialises as a plain 'Conv2D': saved models
 * load in plain tfjs, which computes the same forward values.
 */
import { tf } from '../train/tf';

/** The name of the native (dy, y) -> [dz, dbias] kernel (native-kernels/index.ts); registered only under wasm. */
const RELU_BIAS_GRAD = 'FiReluBiasGrad';

type Pad = 'same' | 'valid';

/** dz = dy * (y > 0) and its sums over all axes but the last. */
function reluBiasGrad(dy: tf.Tensor4D, y: tf.Tensor4D): [tf.Tensor4D, tf.Tensor1D] {
  if (tf.getKernel(RELU_BIAS_GRAD, tf.getBackend())) {
    const [dz, db] = tf.engine().runKernel(RELU_BIAS_GRAD, { dy, y }) as tf.Tensor[];
    return [dz as tf.Tensor4D, db as tf.Tensor1D];
  }
  const dz = tf.mul(dy, tf.step(y)) as tf.Tensor4D;
  return [dz, tf.sum(dz, [0, 1, 2]) as tf.Tensor1D];
}

/** relu(conv2d(x, w, strides, pad) + b), NHWC, dilation 1, with the gradient described above. */
export function convBiasRelu(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  strides: [number, number],
  pad: Pad,
): tf.Tensor4D {
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' };
  const op = tf.customGrad(((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.engine().runKernel('FusedConv2D', { x: xx, filter: ww, bias: bb }, attrs) as tf.Tensor4D;
    save([xx, ww, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as tf.Tensor4D[];
        const [dz, db] = reluBiasGrad(dy as tf.Tensor4D, sy);
        const dx = tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: dz, filter: sw },
            { strides, pad, dataFormat: 'NHWC', inputShape: sx.shape },
          ) as tf.Tensor;
        const dw = tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: sx, dy: dz },
            { strides, pad, dataFormat: 'NHWC', filterShape: sw.shape },
          ) as tf.Tensor;
        return [dx, dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, w, b) as tf.Tensor4D;
}

interface ConvInternals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { getClassName(): string };
  rank: number;
}

/** tfjs-layers' Conv2D class (exported only through its factory). */
const Conv2D = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as {
  new (args: Parameters<typeof tf.layers.conv2d>[0]): tf.layers.Layer;
  prototype: tf.layers.Layer;
};

/** Conv2D whose call() takes the fused op when it applies (bias, ReLU, SAME/VALID, NHWC, dilation 1). */
class FusedReluConv2D extends Conv2D {
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const c = this as unknown as ConvInternals;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fusable =
      c.bias !== null &&
      c.activation.getClassName().toLowerCase() === 'relu' &&
      c.rank === 2 &&
      c.dataFormat === 'channelsLast' &&
      c.dilationRate.every((d) => d === 1) &&
      (c.padding === 'same' || c.padding === 'valid') &&
      x.rank === 4;
    if (!fusable) return super.call(inputs, kwargs);
    return tf.tidy(() =>
      convBiasRelu(
        x as tf.Tensor4D,
        c.kernel.read() as tf.Tensor4D,
        c.bias!.read() as tf.Tensor1D,
        [c.strides[0], c.strides[1]],
        c.padding as Pad,
      ),
    );
  }
}

/** tf.layers.conv2d with the fused training path; serialises as 'Conv2D'. */
export function fusedConv2d(args: Parameters<typeof tf.layers.conv2d>[0]): tf.layers.Layer {
  return new FusedReluConv2D(args);
}
