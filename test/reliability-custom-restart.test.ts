import { describe, expect, it } from 'vitest';
import { killWorker } from '../src/engines/test-hooks.js';
import { ActorCrashedError, MailboxFullError } from '../src/errors.js';
import type { FaultyActor } from './fixtures/faulty-actor.js';
import { rejection } from './fixtures/faulty-rejection.js';
import { startRuntime } from './support/runtime.js';

const faulty = new URL('./fixtures/faulty-actor.ts', import.meta.url);
const feeds = { in: { dtype: 'float32' as const, dims: [2], data: new Float32Array([1, 2]) } };

describe('a custom actor with a restart budget comes back after its worker dies', () => {
  it('answers the call that killed it with ActorCrashedError, and calls made meanwhile wait for the new worker (at most its mailbox capacity)', async () => {
    const runtime = await startRuntime();
    const counter = new SharedArrayBuffer(4);
    const actor = await runtime.spawnCustom('phoenix', {
      module: faulty,
      options: { factor: 2, counter, exitOn: [2] },
      restart: { backoffMs: 20 },
      mailbox: { capacity: 2 },
    });
    const shared = runtime.arena.writeTensor('float32', [2], new Float32Array([1, 2]));
    const run = () =>
      actor.runShared({ in: shared }).then((result) => {
        const out = Array.from(runtime.arena.view(result.outputs.out!) as Float32Array);
        runtime.arena.release(result.outputs.out!);
        return out;
      });
    expect(await run()).toEqual([2, 4]);
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    const exited = new Promise((resolve) => runtime.events.once('actor:exited', resolve));
    const fatal = rejection(run());
    await exited;
    expect(actor.state).toBe('restarting');
    // Two calls wait for the restart; a third is past the capacity.
    const waiting = [run(), run()];
    const refused = await rejection(run());
    expect(refused).toBeInstanceOf(MailboxFullError);
    expect(refused.message).toBe(
      'mailbox of actor "phoenix" is full (capacity 2, 2 waiting for its restart); ' +
        "size it with spawnCustom's option mailbox.capacity (default 1024)",
    );
    const error = await fatal;
    expect(error).toBeInstanceOf(ActorCrashedError);
    expect(error.message).toMatch(
      /^actor "phoenix" died \(exit code 42\) while run\(\) \(call \d+\) was in flight, one of 1$/,
    );
    await restarted;
    expect(await Promise.all(waiting)).toEqual([
      [2, 4],
      [2, 4],
    ]);
    expect(actor.state).toBe('running');
    expect(Atomics.load(new Int32Array(counter), 0)).toBe(4);
    runtime.arena.release(shared);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
    expect(feeds.in.dims).toEqual([2]);
  });

  it('is never terminated inside an arena section: killed while it allocates in a tight loop, no slab lock is left held', async () => {
    const runtime = await startRuntime();
    const heartbeat = new SharedArrayBuffer(4);
    const beats = new Int32Array(heartbeat);
    const actor = await runtime.spawnCustom<FaultyActor>('churner', {
      module: faulty,
      options: { heartbeat },
      restart: { backoffMs: 1, maxRestarts: 10 },
    });
    const locks = () =>
      runtime.arena.handle().slabs.map(({ buffer }) => Atomics.load(new Int32Array(buffer), 0));
    for (let round = 0; round < 3; round++) {
      Atomics.store(beats, 0, 0);
      const churning = rejection(actor.ref.churn());
      // Deep in its loop (a thousand allocations done) before it is killed.
      while (Atomics.load(beats, 0) <= 1000) {
        const wait = Atomics.waitAsync(beats, 0, Atomics.load(beats, 0), 50);
        if (wait.async) await wait.value;
      }
      const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
      await killWorker(actor);
      expect(await churning).toBeInstanceOf(ActorCrashedError);
      expect(locks().every((word) => word === 0)).toBe(true);
      // The main thread allocates from the same slab: it would wait forever on a dead holder.
      runtime.arena.release(runtime.arena.allocate(256));
      await restarted;
    }
    // A block the user's own code held when its worker was killed is lost with it (only run()
    // outputs are journaled by the runtime): at most one 256-byte block per kill.
    expect(runtime.arena.stats().bytesInUse).toBeLessThanOrEqual(3 * 256);
  });
});
