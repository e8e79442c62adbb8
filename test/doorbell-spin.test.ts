import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createDoorbell, doorbellViews, WORD } from '../src/engines/onnx/doorbell/doorbell.js';
import {
  createAwakeCount,
  forgetDead,
  IdleGaps,
  SPIN_US,
  spinWhileEqual,
  Wakefulness,
} from '../src/engines/onnx/doorbell/doorbell-spin.js';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { sizedModel } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe('a model worker spinning after an answer', () => {
  it('spins only once its idle gaps have been short, and stops when they grow', () => {
    const gaps = new IdleGaps();
    expect(gaps.worthSpinning).toBe(false);
    gaps.record(SPIN_US / 2);
    expect(gaps.worthSpinning).toBe(true);
    for (let i = 0; i < 10; i++) gaps.record(20 * SPIN_US);
    expect(gaps.worthSpinning).toBe(false);
  });

  it('counts itself awake and asleep, and a dead worker marked awake is taken out of the count', () => {
    const count = createAwakeCount();
    const [a, b] = [doorbellViews(createDoorbell()), doorbellViews(createDoorbell())];
    const first = new Wakefulness(count, a.words);
    const second = new Wakefulness(count, b.words);
    first.awake();
    second.awake();
    expect(new Int32Array(count)[0]).toBe(2);
    second.asleep();
    expect(Atomics.load(b.words, WORD.AWAKE)).toBe(0);
    forgetDead(count, b.words); // died asleep: not counted, nothing to take out
    expect(new Int32Array(count)[0]).toBe(1);
    forgetDead(count, a.words); // died awake
    forgetDead(count, a.words); // its exit seen twice takes it out once
    expect(new Int32Array(count)[0]).toBe(0);
  });

  it('stops spinning as soon as the word changes, long before its budget', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      'const { workerData } = require("node:worker_threads"); setTimeout(() => Atomics.store(new Int32Array(workerData), 0, 7), 20);',
      { eval: true, workerData: words.buffer },
    );
    try {
      await new Promise((online) => worker.once('online', online));
      const start = performance.now();
      spinWhileEqual(words, 0, 0, 60_000_000);
      expect(Atomics.load(words, 0)).toBe(7);
      expect(performance.now() - start).toBeLessThan(30_000);
    } finally {
      await worker.terminate();
    }
  });

  it("leaves the runtime's awake count at zero once its model workers are idle, even after one died mid-run", async () => {
    const runtime = await startRuntime();
    const count = new Int32Array(runtime.context.awakeWorkers);
    const model = sizedModel({ seed: 4, width: 32, layers: 2 });
    const actor = await runtime.spawnModel(
      'spinner',
      withFaultInjection({
        model: model.bytes,
        restart: { backoffMs: 1 },
      }),
    );
    const feed = { input: { dtype: 'float32' as const, dims: [1, 32], data: seededFloats(1, 32) } };
    for (let i = 0; i < 20; i++) await actor.run(feed);
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    replicasOf(actor)[0]!.injectFault('exit');
    await expect(actor.run(feed)).rejects.toMatchObject({ code: 'ERR_ACTOR_CRASHED' });
    await restarted;
    for (let i = 0; i < 5; i++) await actor.run(feed);
    // Idle: every worker spins out its budget and sleeps.
    await new Promise((idle) => setTimeout(idle, 50));
    expect(Atomics.load(count, 0)).toBe(0);
  });
});
