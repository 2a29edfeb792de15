/**
 * The native convolution kernels alone, on every convolution of a bench model (batch 16): wall and CPU time of the
 * forward pass and both gradients, and the GFLOP/s they reach. Compares addon builds on the same shapes:
 *   npx tsx bench/conv-kernels.ts [--case g1-224] [--addon file.node] [--threads 2] [--reps 2]
 */
import { createRequire } from 'node:module';
import { buildModel } from '../src/main/training/model/build';
import { DEFAULT_MODEL } from '../src/main/training/model/spec';
import { convGeometry } from '../src/main/training/train/wasm-kernels/run';
import { pinBlasKernels, type NativeAddon } from '../src/main/training/train/native-kernels/addon';

const args = process.argv.slice(2);
const flag = (n: string, d: string) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const id = flag('--case', 'g1-224');
const m = /^([gc])(1|025)-(\d+)$/.exec(id)!;
const size = Number(m[3]);
const spec = {
  ...DEFAULT_MODEL,
  preset: m[1] === 'g' ? 'googlenet' : 'compact',
  width: m[2] === '1' ? 1 : 0.25,
} as typeof DEFAULT_MODEL;
const BATCH = 16;
process.env.OMP_WAIT_POLICY ??= 'passive';
// the OpenBLAS kernels training runs on, unless OPENBLAS_CORETYPE says otherwise
pinBlasKernels();
const addon = createRequire(import.meta.url)(
  flag('--addon', new URL('../native/build/Release/factor_inception_native.node', import.meta.url).pathname),
) as NativeAddon;
addon.setThreads(Number(flag('--threads', '2')));
const model = buildModel(spec, [size, size, 4], { seed: 1 });
interface Conv {
  x: number[];
  f: number[];
  strides: number;
}
const convs: Conv[] = [];
for (const l of model.layers) {
  if (l.getClassName() !== 'Conv2D') continue;
  const c = l.getConfig() as { kernelSize: number[]; strides: number[]; filters: number };
  const inShape = l.inputSpec?.[0]?.axes ? null : null;
  void inShape;
  const s = (l.input as { shape: (number | null)[] }).shape;
  convs.push({
    x: [BATCH, s[1]!, s[2]!, s[3]!],
    f: [c.kernelSize[0], c.kernelSize[1], s[3]!, c.filters],
    strides: c.strides[0],
  });
}
model.dispose();
const seeded = (n: number) => new Float32Array(n).map((_, i) => Math.sin(i * 0.37) * 0.5);
const totals = { forward: [0, 0, 0], filter: [0, 0, 0], input: [0, 0, 0] }; // wall ms, cpu ms, flop
for (let rep = 0; rep < Number(flag('--reps', '2')); rep++)
  for (const [i, c] of convs.entries()) {
    const g = convGeometry(c.x as [number, number, number, number], c.f as [number, number, number, number], {
      strides: c.strides,
      pad: 'same',
    });
    const sizes = Int32Array.of(g.n, g.h, g.w, g.ci, g.co, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.top, g.left);
    const x = seeded(g.n * g.h * g.w * g.ci),
      f = seeded(g.kh * g.kw * g.ci * g.co),
      y = seeded(g.n * g.oh * g.ow * g.co);
    const flop = 2 * g.n * g.oh * g.ow * g.co * g.kh * g.kw * g.ci;
    const time = (k: keyof typeof totals, fn: () => void) => {
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      fn();
      const cu = process.cpuUsage(c0);
      if (rep > 0 || args.includes('--no-warm')) {
        totals[k][0] += performance.now() - t0;
        totals[k][1] += (cu.user + cu.system) / 1000;
        totals[k][2] += flop;
      }
    };
    time('forward', () => addon.conv2d(sizes, x, f, new Float32Array(y.length)));
    time('filter', () => addon.conv2dBackpropFilter(sizes, x, y, new Float32Array(f.length)));
    if (i > 0) time('input', () => addon.conv2dBackpropInput(sizes, y, f, new Float32Array(x.length)));
  }
console.log(`${id}: ${convs.length} convolutions, batch ${BATCH}, ${addon.info()}`);
for (const [k, [wall, cpu, flop]] of Object.entries(totals))
  console.log(
    `  ${k.padEnd(8)} wall ${wall.toFixed(0).padStart(6)} ms  cpu ${cpu.toFixed(0).padStart(6)} ms  ${(flop / wall / 1e6).toFixed(1).padStart(6)} GFLOP/s wall  ${(flop / cpu / 1e6).toFixed(1).padStart(6)} GFLOP/s per cpu-second`,
  );
