/**
 * npm run bench [-- data|training|gbdt|baselines|jobs|all]: benchmarks that print figures and ratios (never timed tests).
 * Run them on a quiet machine; both cores are used.
 */
import { existsSync } from 'node:fs';
import { benchDataPipeline } from './data-pipeline';

const which = process.argv[2] ?? 'all';
if (which === 'data' || which === 'all') {
  console.log('== Data engine ==');
  benchDataPipeline();
}
if (which === 'training' || which === 'all') {
  console.log('\n== Training speed ==');
  const mod = new URL('./training-speed.ts', import.meta.url);
  if (existsSync(mod)) await import(mod.href);
  else console.log('training-speed benchmark not present');
}
if (which === 'gbdt' || which === 'all') {
  console.log('\n== Gradient-boosted trees: engine vs LightGBM ==');
  const { benchGbdt } = await import('./gbdt');
  await benchGbdt(process.argv.slice(3));
}
if (which === 'baselines' || which === 'all') {
  console.log('\n== Baselines on the real folds (no network) ==');
  const { benchBaselines } = await import('./baselines');
  await benchBaselines(process.argv.slice(3));
}
if (which === 'jobs' || which === 'all') {
  console.log('\n== study --jobs: one process against N ==');
  const { benchJobs } = await import('./jobs');
  benchJobs(process.argv.slice(3));
}
