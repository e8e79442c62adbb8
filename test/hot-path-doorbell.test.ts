import { describe, expect, it } from 'vitest';
import { SLOTS } from '../src/engines/onnx/doorbell/doorbell.js';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorCrashedError, TimeoutError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const WIDTH = 64;
const model = sizedModel({ seed: 13, width: WIDTH, layers: 3 });
const feed = (rows: number, seed = 1) => ({
  input: { dtype: 'float32' as const, dims: [rows, WIDTH], data: seededFloats(seed, rows * WIDTH) },
});

describe('the doorbell hot path', () => {
  it('gives the same outputs as the postMessage path, including outputs in a slab the worker adds', async () => {
    // 4 KiB slabs: a 64-row output (16 KiB) makes the worker add a slab, announced on the port,
    // so that answer must come on the port too.
    const runtime = await startRuntime({ arena: { slabSize: 4096 } });
    const bell = await runtime.spawnModel('bell', { model: model.bytes, hotPath: 'doorbell' });
    const port = await runtime.spawnModel('port', { model: model.bytes, hotPath: 'message' });
    for (const [rows, seed] of [
      [1, 1],
      [2, 2],
      [64, 3],
      [1, 4],
    ] as const) {
      const viaBell = await bell.run(feed(rows, seed));
      const viaPort = await port.run(feed(rows, seed));
      expect(viaBell.output!.dims).toEqual([rows, WIDTH]);
      expect(Array.from(viaBell.output!.data as Float32Array)).toEqual(
        Array.from(viaPort.output!.data as Float32Array),
      );
    }
    expect(bell.stats()).toMatchObject({ runs: 4, failures: 0, duplicates: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a burst on one replica fills every slot of its doorbell: each message answered once, in order, also when outputs land in slabs the worker adds', async () => {
    // 8 KiB slabs and outputs of 256 B to 10 KiB: the worker keeps adding slabs while messages
    // wait behind the running one, so answers in the area may point into a slab whose
    // announcement is still on its way on the port.
    const runtime = await startRuntime({ arena: { slabSize: 8192 } });
    const bell = await runtime.spawnModel('bell', { model: model.bytes });
    const port = await runtime.spawnModel('port', { model: model.bytes, hotPath: 'message' });
    const sizes = Array.from({ length: 48 }, (_, i) => [1, 8, 40][i % 3]!);
    const expected = await Promise.all(sizes.map((rows, i) => port.run(feed(rows, i + 1))));
    // run() submits before it returns: the state holds at once, before any answer can arrive.
    const running = Promise.all(sizes.map((rows, i) => bell.run(feed(rows, i + 1))));
    expect(bell.stats().inFlight).toBe(SLOTS);
    const got = await running;
    got.forEach((result, i) => {
      expect(result.output!.dims).toEqual([sizes[i], WIDTH]);
      expect(Array.from(result.output!.data as Float32Array)).toEqual(
        Array.from(expected[i]!.output!.data as Float32Array),
      );
    });
    expect(bell.stats()).toMatchObject({ runs: 48, failures: 0, duplicates: 0, late: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('runs written while the worker is awake are taken without a notify: bursts at uneven gaps all answered, in order', async () => {
    // Asks in bursts of 1 to 4, a random few event-loop turns apart: some rings find the worker
    // running or spinning (no notify), others find it asleep or about to sleep. A run whose ring
    // were lost would never be answered, and the test would time out.
    const runtime = await startRuntime();
    const bell = await runtime.spawnModel('bell', { model: model.bytes });
    const port = await runtime.spawnModel('port', { model: model.bytes, hotPath: 'message' });
    const random = seededRandom(7);
    const seeds = Array.from({ length: 400 }, (_, i) => (i % 16) + 1);
    const expected = new Map<number, Float32Array>();
    for (const seed of new Set(seeds)) {
      expected.set(seed, (await port.run(feed(1, seed))).output!.data as Float32Array);
    }
    const answers: Promise<void>[] = [];
    let next = 0;
    while (next < seeds.length) {
      const burst = 1 + Math.floor(random() * 4);
      for (let b = 0; b < burst && next < seeds.length; b++, next++) {
        const seed = seeds[next]!;
        answers.push(
          bell.run(feed(1, seed)).then((result) => {
            expect(result.output!.data).toEqual(expected.get(seed));
          }),
        );
      }
      for (let turns = Math.floor(random() * 6); turns > 0; turns--) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(answers);
    expect(bell.stats()).toMatchObject({
      runs: seeds.length,
      failures: 0,
      duplicates: 0,
      late: 0,
    });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('messages that time out while they wait in the slots are skipped by the worker: answered once with TimeoutError, never run, nothing left in the arena', async () => {
    const runtime = await startRuntime();
    const slow = sizedModel({ seed: 3, width: 512, layers: 8 });
    const actor = await runtime.spawnModel('bell', { model: slow.bytes });
    const big = seededFloats(2, 256 * 512);
    // Feeds the caller keeps (runShared): a run of a timed-out message could still read them, so
    // only the skip keeps it from running.
    const small = runtime.arena.writeTensor('float32', [1, 512], big.slice(0, 512));
    // A run of 256 rows through eight 512-wide layers takes the worker tens of milliseconds; the
    // messages behind it in the slots give up after one.
    const running = actor.run({ input: { dtype: 'float32', dims: [256, 512], data: big } });
    const waiting = Array.from({ length: SLOTS - 1 }, () =>
      actor.runShared({ input: small }, { timeout: 1 }),
    );
    const outcomes = await Promise.allSettled(waiting);
    expect(
      outcomes.map((o) => o.status === 'rejected' && o.reason instanceof TimeoutError),
    ).toEqual(outcomes.map(() => true));
    await expect(running).resolves.toMatchObject({ output: { dims: [256, 512] } });
    // Runs are taken in order: once this one is answered, the worker has passed every slot before.
    const last = await actor.runShared({ input: small });
    expect(last.outputs.output!.dims).toEqual([1, 512]);
    runtime.arena.release(last.outputs.output!);
    // A timed-out message that had run would have come back late, its outputs freed on receipt.
    expect(actor.stats()).toMatchObject({
      runs: 2,
      failures: SLOTS - 1,
      late: 0,
      duplicates: 0,
      inFlight: 0,
    });
    runtime.arena.release(small);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  for (const fault of ['exit', 'exit-holding'] as const) {
    it(`a worker dying (${fault}) while the caller waits on the doorbell answers ActorCrashedError once, frees what it wrote, and restarts`, async () => {
      const runtime = await startRuntime();
      const actor = await runtime.spawnModel(
        'bell',
        withFaultInjection({
          model: model.bytes,
          hotPath: 'doorbell',
          restart: { backoffMs: 1 },
        }),
      );
      await actor.run(feed(1));
      const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
      replicasOf(actor)[0]!.injectFault(fault);
      await expect(actor.run(feed(1))).rejects.toThrow(ActorCrashedError);
      await restarted;
      if (fault === 'exit-holding') expect(actor.stats().reclaimedBytes).toBeGreaterThan(0);
      const after = await actor.run(feed(2, 5));
      expect(after.output!.dims).toEqual([2, WIDTH]);
      expect(actor.stats()).toMatchObject({ runs: 2, failures: 1, duplicates: 0, restarts: 1 });
      expect(runtime.arena.stats().bytesInUse).toBe(0);
    });
  }

  it('a replica killed mid-run answers ActorCrashedError at once; the run it finishes is freed', async () => {
    const runtime = await startRuntime();
    const slow = sizedModel({ seed: 3, width: 512, layers: 8 });
    const actor = await runtime.spawnModel('bell', {
      model: slow.bytes,
      hotPath: 'doorbell',
      restart: { backoffMs: 1 },
    });
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    const data = seededFloats(2, 64 * 512);
    const running = actor.run({ input: { dtype: 'float32', dims: [64, 512], data } });
    const queued = actor.run({
      input: { dtype: 'float32', dims: [1, 512], data: data.slice(0, 512) },
    });
    const crashed = expect(running).rejects.toThrow(ActorCrashedError);
    await replicasOf(actor)[0]!.kill();
    await crashed;
    await restarted;
    await expect(queued).resolves.toMatchObject({ output: { dims: [1, 512] } });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
