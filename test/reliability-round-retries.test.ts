import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorCrashedError, RoundError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { rejection } from './fixtures/faulty-rejection.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const faulty = new URL('./fixtures/faulty-actor.ts', import.meta.url);

const plan: RoundsPlan = {
  kind: 'rounds',
  name: 'pair',
  inputs: ['in'],
  outputs: ['mean'],
  rounds: [
    {
      steps: ['flaky', 'steady'].map((actor) => ({
        actor,
        inputs: { in: 'in' },
        outputs: { out: `${actor}.out` },
      })),
      fusion: {
        strategy: 'mean',
        kind: 'values',
        inputs: ['flaky.out', 'steady.out'],
        output: 'mean',
      },
    },
  ],
};
const feeds = {
  in: { dtype: 'float32' as const, dims: [4], data: new Float32Array([1, 2, 3, 4]) },
};

describe('an interrupted round fails with a typed error, or runs again where retries are allowed', () => {
  it('a custom actor step whose worker dies: RoundError without retries, one clean result with them', async () => {
    const runtime = await startRuntime();
    const counter = new SharedArrayBuffer(4);
    const calls = new Int32Array(counter);
    await runtime.spawnCustom('flaky', {
      module: faulty,
      options: { factor: 1, counter, exitOn: [2, 4] },
      restart: { backoffMs: 1 },
    });
    await runtime.spawnCustom('steady', { module: faulty, options: { factor: 3 } });
    const retried: string[] = [];
    runtime.events.on('round:retried', (e) => retried.push(`${e.actor} attempt ${e.attempt}`));

    // (1 + 3) / 2 = ×2
    const twice = [2, 4, 6, 8];
    expect(Array.from((await runtime.run(plan, feeds)).outputs.mean!.data as Float32Array)).toEqual(
      twice,
    );

    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    const error = await rejection(runtime.run(plan, feeds));
    expect(error).toBeInstanceOf(RoundError);
    expect(error.message).toMatch(
      /1 of 2 steps answered, quorum is 2: actor "flaky" died \(exit code 42\)/,
    );
    expect(error.cause).toBeInstanceOf(ActorCrashedError);
    await restarted;

    expect(Array.from((await runtime.run(plan, feeds)).outputs.mean!.data as Float32Array)).toEqual(
      twice,
    );
    expect(Atomics.load(calls, 0)).toBe(3);

    // Call 4 dies; with a retry, call 5 (on the restarted worker) answers instead. One result.
    const result = await runtime.run(plan, feeds, { retries: 1 });
    expect(Array.from(result.outputs.mean!.data as Float32Array)).toEqual(twice);
    expect(retried).toEqual(['flaky attempt 1']);
    expect(Atomics.load(calls, 0)).toBe(5);
    expect(result.trace.rounds[0]!.steps.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a model actor step whose worker exits mid-run runs again on the restarted replica', async () => {
    const runtime = await startRuntime();
    const model = classifier({ seed: 8, inputSize: 16, hidden: 32, classes: 4 });
    const actor = await runtime.spawnModel(
      'm',
      withFaultInjection({
        model: model.bytes,
        restart: { backoffMs: 1 },
      }),
    );
    const single: RoundsPlan = {
      kind: 'rounds',
      name: 'single',
      inputs: ['features'],
      outputs: ['logits'],
      rounds: [
        {
          steps: [{ actor: 'm', inputs: { features: 'features' }, outputs: { logits: 'logits' } }],
        },
      ],
    };
    const input = {
      features: { dtype: 'float32' as const, dims: [2, 16], data: seededFloats(1, 32) },
    };
    const expected = await runtime.run(single, input);
    replicasOf(actor)[0]!.injectFault('exit');
    const again = await runtime.run(single, input, { retries: 2 });
    expect(again.outputs).toEqual(expected.outputs);
    expect(actor.stats()).toMatchObject({ restarts: 1, runs: 2, failures: 1 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
