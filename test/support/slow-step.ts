import type { RoundsPlan } from '../../src/plans/plan.js';
import type { Roundtable } from '../../src/runtime/roundtable.js';

const delay = new URL('../fixtures/custom-delay.ts', import.meta.url);

/**
 * A plan of one step on the custom actor `slow` (test/fixtures/custom-delay.ts, feeds `in`,
 * answers `out`): a run the runtime admits before close() and that is still running after it, so
 * a test sees what close() refuses meanwhile.
 */
export const slowPlan: RoundsPlan = {
  kind: 'rounds',
  name: 'slow',
  inputs: ['in'],
  outputs: ['out'],
  rounds: [{ steps: [{ actor: 'slow', inputs: { in: 'in' }, outputs: { out: 'out' } }] }],
};

/** Spawns the custom actor `slow`, which answers each call after `delayMs`. */
export async function spawnSlowStep(runtime: Roundtable, delayMs = 500): Promise<void> {
  await runtime.spawnCustom('slow', { module: delay, options: { delayMs, factor: 1 } });
}
