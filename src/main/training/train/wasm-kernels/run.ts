/**
 * Calling other wasm kernels from inside a kernel. Kernel functions receive and return TensorInfo (no engine,
 * no tape), so compositions call the registered wasm kernel functions directly and free intermediates themselves.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';

export type Info = tf.TensorInfo;
export type NamedAttrs = Record<string, unknown>;

/** Runs the wasm kernel `name` on TensorInfos; the caller owns (and must dispose) the result. */
export function runKernel(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, Info>,
  attrs: NamedAttrs = {},
): Info {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs`);
  return out;
}

/** Collects intermediate TensorInfos so a composition can free them in one place, even on error. */
export class Scratch {
  private readonly infos: Info[] = [];
  constructor(private readonly backend: BackendWasm) {}
  /** Runs a kernel and remembers its output for disposal. */
  run(name: string, inputs: Record<string, Info>, attrs: NamedAttrs = {}): Info {
    const out = runKernel(this.backend, name, inputs, attrs);
    this.infos.push(out);
    return out;
  }
  /** Remembers a TensorInfo made outside run() (e.g. by a heap helper) for disposal. */
  track(info: Info): Info {
    this.infos.push(info);
    return info;
  }
  /** Keeps `info` alive past dispose(): it is the kernel's result. */
  keep(info: Info): Info {
    const i = this.infos.lastIndexOf(info);
    if (i >= 0) this.infos.splice(i, 1);
    return info;
  }
  dispose(): void {
    // Reshape returns views that share a dataId; the wasm backend refcounts them, so dispose each once.
    for (const info of this.infos) this.backend.disposeData(info.dataId);
    this.infos.length = 0;
  }
}

/** Sizes of an NHWC conv in short names, shared by the gradient kernels. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  info: tf.backend_util.Conv2DInfo;
}

/** tfjs' own conv geometry (so pads match the forward conv exactly) for NHWC, dilation 1. */
export function convGeometry(
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return geometryOf(info);
}

/** The short names of an existing Conv2DInfo. */
export function geometryOf(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    co: info.outChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    info,
  };
}
