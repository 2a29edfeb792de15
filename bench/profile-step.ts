/**
 * One training step's time split by kernel (tf.profile) and outside the kernels, for one bench case:
 *   npx tsx bench/profile-step.ts [--case g1-224] [--backend wasm|tensorflow] [--steps 3]
 * Prints wall and CPU time per step (CPU time is less sensitive to other tenants on a shared machine), the sum of
 * kernel times, and the kernels by total time with their call counts.
 */
import { buildModel } from '../src/main/training/model/build';
import { DEFAULT_MODEL } from '../src/main/training/model/spec';
import { selectBackend } from '../src/main/training/train/backend';
import { tf } from '../src/main/training/train/tf';

const args = process.argv.slice(2);
const flag = (n: string, d: string) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const id = flag('--case', 'g1-224');
const m = /^([gc])(1|025|0125)-(\d+)$/.exec(id);
if (!m) throw new Error(`--case like g1-224, g025-56, c025-56; got ${id}`);
const preset = m[1] === 'g' ? 'googlenet' : 'compact';
const width = m[2] === '1' ? 1 : m[2] === '025' ? 0.25 : 0.125;
const size = Number(m[3]);
const BATCH = Number(flag('--batch', '16'));
const info = await selectBackend(flag('--backend', 'wasm') as 'wasm' | 'tensorflow');
const spec = { ...DEFAULT_MODEL, preset, width, auxHeads: false } as typeof DEFAULT_MODEL;
const shape = [size, size, 4];
const model = buildModel(spec, shape, { seed: 1 });
const opt = tf.train.adam(1e-3);
const xs = new Float32Array(BATCH * size * size * 4).map((_, i) => Math.sin(i * 12.9898) * 0.5);
const x = tf.tensor4d(xs, [BATCH, size, size, 4]);
const y = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => i % 3),
    'int32',
  ),
  3,
);
const step = () => {
  const loss = opt.minimize(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    true,
  );
  loss?.dataSync();
  loss?.dispose();
};
console.log(`${id} batch ${BATCH} on ${info.name}${info.kernels ? ` (${info.kernels})` : ''}`);
step();
for (let s = 0; s < Number(flag('--steps', '3')); s++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  step();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(`step ${s + 1}: wall ${wall.toFixed(0)} ms, cpu ${((c.user + c.system) / 1000).toFixed(0)} ms`);
}
const t0 = performance.now();
const p = await tf.profile(() => step());
const wall = performance.now() - t0;
const agg = new Map<string, { ms: number; n: number }>();
// the forward of a customGrad op (model/fused-conv.ts) is listed as an 'unnamed scope' around its FusedConv2D:
// counting both would count that time twice
for (const k of p.kernels.filter((k) => k.name !== 'unnamed scope')) {
  const a = agg.get(k.name) ?? { ms: 0, n: 0 };
  a.ms += Number(k.kernelTimeMs);
  a.n++;
  agg.set(k.name, a);
}
const total = [...agg.values()].reduce((a, b) => a + b.ms, 0);
console.log(
  `profiled step: wall ${wall.toFixed(0)} ms, kernels ${total.toFixed(0)} ms (${p.kernels.filter((k) => k.name !== 'unnamed scope').length} kernel calls), outside kernels ${(wall - total).toFixed(0)} ms`,
);
for (const [k, v] of [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(
    `  ${k.padEnd(22)} ${v.ms.toFixed(0).padStart(6)} ms ${((100 * v.ms) / total).toFixed(1).padStart(5)} %  x${v.n}`,
  );
