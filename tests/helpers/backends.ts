/**
 * The optional compute parts a test can cover on this machine, and whether a missing one is a failure. The
 * native kernel addon (native/, needs libopenblas-dev) and tfjs-node (installed by npm ci, or offline by
 * scripts/prepare-tfjs-node.mjs) are optional for a user: tests of them skip and say why when they are absent.
 * CI (and scripts/setup-test-machine.sh) sets FACTOR_INCEPTION_REQUIRE_NATIVE=1 and
 * FACTOR_INCEPTION_REQUIRE_TFJS_NODE=1, where a missing part is a broken install and fails instead.
 */
import { expect, type TestContext } from 'vitest';
import { tfjsNodeProblem } from '../../src/main/training/train/backend';
import { loadAddon } from '../../src/main/training/train/native-kernels/addon';

const on = (v: string | undefined) => ['1', 'true', 'yes', 'on'].includes((v ?? '').toLowerCase());

export interface Part {
  name: string;
  /** Why it is unavailable; undefined when it is there. */
  why?: string;
  required: boolean;
  /** How to get it. */
  fix: string;
}

export function nativePart(): Part {
  const { addon, why } = loadAddon();
  return {
    name: 'the native kernel addon',
    why: addon ? undefined : why,
    required: on(process.env.FACTOR_INCEPTION_REQUIRE_NATIVE),
    fix: 'install libopenblas-dev, then `npm run build:native`',
  };
}

export async function tfjsNodePart(): Promise<Part> {
  return {
    name: '@tensorflow/tfjs-node',
    why: await tfjsNodeProblem(),
    required: on(process.env.FACTOR_INCEPTION_REQUIRE_TFJS_NODE),
    fix: '`npm install @tensorflow/tfjs-node`, or offline `node scripts/prepare-tfjs-node.mjs`',
  };
}

/**
 * The body of a "<part> is available" test: passes when it is, fails when it is required, and otherwise
 * skips with the reason (so the report says what was not tested and why).
 */
export function expectPart(part: Part, ctx: TestContext): void {
  if (part.why === undefined) return;
  const msg = `${part.name} is not available here (${part.why}); ${part.fix}`;
  if (part.required) expect.fail(`${msg}. It is required here (FACTOR_INCEPTION_REQUIRE_* is set).`);
  ctx.skip(msg);
}
