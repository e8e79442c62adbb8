import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { AbortError, RoundError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { rejection } from './fixtures/faulty-rejection.js';
import { seededFloats } from './support/runtime.js';

const slow = sizedModel({ seed: 3, width: 512, layers: 8 });
const feeds = {
  input: { dtype: 'float32' as const, dims: [128, 512], data: seededFloats(2, 128 * 512) },
};
const plan = ensemble({
  name: 'slow-pair',
  models: ['p', 'q'],
  input: 'input',
  output: 'output',
  fusion: { strategy: 'mean', kind: 'logits' },
});

let runtime: Roundtable;
let actors: ModelActor[];
beforeAll(async () => {
  runtime = await Roundtable.create();
  actors = await Promise.all(
    ['p', 'q'].map((name) => runtime.spawnModel(name, { model: slow.bytes })),
  );
  await runtime.run(plan, feeds); // warm up
});
afterAll(() => runtime.close(0));

describe('cancelling a plan run', () => {
  it('an AbortSignal withdraws queued work, abandons running work, and the arena returns to zero', async () => {
    const controller = new AbortController();
    const order: string[] = [];
    // Three runs on one replica per actor: the first runs, the second waits on the replica behind
    // it (the doorbell's second slot), the third waits in the mailboxes.
    const runs = [0, 1, 2].map((i) =>
      runtime.run(plan, feeds, { signal: controller.signal }).then(
        () => order.push(`run ${i}: resolved`),
        (error: Error) => {
          order.push(`run ${i}: ${error.name}`);
          return error;
        },
      ),
    );
    // Starting a run submits its steps before run() returns, so this state holds at once; and
    // the abort follows in the same turn of the event loop, before any answer can arrive,
    // however busy the machine (no waiting on how far the scheduler got).
    expect(actors.map((a) => a.stats())).toMatchObject([
      { inFlight: 2, queued: 1 },
      { inFlight: 2, queued: 1 },
    ]);
    controller.abort(new Error('the client went away'));
    await Promise.all(runs);
    expect(order.sort()).toEqual(['run 0: AbortError', 'run 1: AbortError', 'run 2: AbortError']);
    // Nothing queued; the messages on the replicas were abandoned, their late outputs freed on
    // arrival.
    expect(actors.map((a) => a.stats().queued)).toEqual([0, 0]);
    await Promise.all(actors.map((a) => a.idle()));
    for (const actor of actors) {
      // The warm-up is the only message answered with outputs; the aborted ones got AbortError.
      // The late results of the two on the replica, if they came (their feeds may be gone
      // first), were freed.
      expect(actor.stats()).toMatchObject({ runs: 1, failures: 3, inFlight: 0 });
      expect(actor.stats().late).toBeLessThanOrEqual(2);
    }
    expect(runtime.arena.stats().bytesInUse).toBe(0);
    const error = (await runs[0]) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toBe('plan "slow-pair" was aborted during ensemble');
  });

  it('a plan deadline passed: RoundError naming the steps missing, and the run frees what it held', async () => {
    const error = await rejection(runtime.run(plan, feeds, { timeout: 1 }));
    expect(error).toBeInstanceOf(RoundError);
    // How many steps beat a 1 ms deadline depends on the scheduler; what never does: fewer than
    // the quorum answered, and the message names exactly the steps that did not.
    const [, answered, missing] =
      /(\d) of 2 steps answered, quorum is 2 \(missing: ([pq, ]+)\)/.exec(error.message) ?? [];
    expect(Number(answered)).toBeLessThan(2);
    expect(missing?.split(', ')).toHaveLength(2 - Number(answered));
    await Promise.all(actors.map((a) => a.idle()));
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
