import { describe, expect, it, vi } from 'vitest';
import { RoundtableError } from '../src/errors.js';
import { decode } from '../src/plans/builders.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import type { Roundtable } from '../src/runtime/roundtable.js';
import { startRuntime } from './support/runtime.js';

const late = new URL('./fixtures/custom-late.ts', import.meta.url);
const delay = new URL('./fixtures/custom-delay.ts', import.meta.url);
const VOCAB = 4096;

/** Resolves when `actor` has answered one message with outputs (not with an error). */
function answered(runtime: Roundtable, actor: string): Promise<void> {
  return new Promise((resolve) => {
    runtime.events.on('actor:message', (event) => {
      if (event.actor === actor && event.code === undefined) resolve();
    });
  });
}

describe('a round that gives up while another step still answers', () => {
  it('decode: the late model answer is freed, the arena returns to 0 bytes', async () => {
    const runtime = await startRuntime();
    await runtime.spawnCustom('broken', {
      module: late,
      options: { delayMs: 0, vocab: VOCAB, fail: true },
    });
    await runtime.spawnCustom('slow', { module: late, options: { delayMs: 150, vocab: VOCAB } });
    const slowAnswered = answered(runtime, 'slow');
    const plan = decode({
      name: 'late',
      models: ['broken', 'slow'].map((actor) => ({ actor, input: 'in', output: 'out' })),
      fusion: { strategy: 'log-linear' },
      search: { type: 'greedy' },
      context: 2,
      endToken: 1,
      maxLength: 3,
    });
    await expect(runtime.decode(plan, [2, 3])).rejects.toBeInstanceOf(RoundtableError);
    await slowAnswered;
    await vi.waitFor(() => expect(runtime.arena.stats().bytesInUse).toBe(0), { timeout: 5000 });
  });

  it('rerank: a late score is freed when the scorer failed for another candidate', async () => {
    const runtime = await startRuntime();
    await runtime.spawnCustom('up', { module: delay, options: { delayMs: 0, factor: 1 } });
    await runtime.spawnCustom('down', { module: delay, options: { delayMs: 0, factor: -1 } });
    await runtime.spawnCustom('judge', {
      module: late,
      options: { delayMs: 150, vocab: VOCAB, failBelow: 0 },
    });
    const judged = answered(runtime, 'judge');
    const plan: RoundsPlan = {
      kind: 'rounds',
      name: 'rerank-late',
      inputs: ['in'],
      outputs: ['best'],
      rounds: [
        {
          steps: ['up', 'down'].map((actor) => ({
            actor,
            inputs: { in: 'in' },
            outputs: { out: `${actor}.out` },
          })),
          fusion: {
            strategy: 'rerank',
            inputs: ['down.out', 'up.out'],
            output: 'best',
            scorer: { actor: 'judge', input: 'in', output: 'out' },
          },
        },
      ],
    };
    const input = { dtype: 'float32' as const, dims: [2], data: new Float32Array([1, 2]) };
    await expect(runtime.run(plan, { in: input })).rejects.toBeInstanceOf(RoundtableError);
    await judged;
    await vi.waitFor(() => expect(runtime.arena.stats().bytesInUse).toBe(0), { timeout: 5000 });
  });
});
