import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { guardedArena } from '../src/actor/guarded-arena.js';
import { createGuard, GUARD, terminateGuarded } from '../src/actor/worker-guard.js';
import { ActorStoppedError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';

/** A worker that enters a guarded section, stays until told, and leaves. Plain JS: starts fast. */
const INSIDE = `
const { workerData } = require('node:worker_threads');
const guard = new Int32Array(workerData.guard);
const flags = new Int32Array(workerData.flags);
Atomics.compareExchange(guard, 0, 0, 1);
Atomics.store(flags, 0, 1);
Atomics.notify(flags, 0);
Atomics.wait(flags, 1, 0);
Atomics.store(flags, 2, 1);
Atomics.store(guard, 0, 0);
Atomics.notify(guard, 0);
setInterval(() => {}, 1000);
`;

describe('the worker guard', () => {
  it('terminates a worker only once it has left its guarded section', async () => {
    const guard = createGuard();
    const flags = new Int32Array(new SharedArrayBuffer(12));
    const worker = new Worker(INSIDE, { eval: true, workerData: { guard, flags: flags.buffer } });
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    const inside = Atomics.waitAsync(flags, 0, 0);
    if (inside.async) await inside.value;
    let terminated = false;
    const terminating = terminateGuarded(worker, new Int32Array(guard), exited).then(() => {
      terminated = true;
    });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(terminated).toBe(false);
    expect(Atomics.load(flags, 2)).toBe(0);
    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    await terminating;
    await exited;
    // It left the section on its own before it was ended, and the word now bars it from another.
    expect(Atomics.load(flags, 2)).toBe(1);
    expect(Atomics.load(new Int32Array(guard), 0)).toBe(GUARD.TERMINATING);
  });

  it('does not wait for a worker that died inside its section', async () => {
    const guard = new Int32Array(createGuard());
    Atomics.store(guard, 0, GUARD.BUSY);
    const worker = new Worker('process.exit(3)', { eval: true });
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    await terminateGuarded(worker, guard, exited);
    expect(await exited).toBe(3);
  });

  it('makes the arena refuse new sections once termination has begun, and leaves the word idle after each', () => {
    const arena = Arena.create({ slabSize: 4096 });
    const guard = new Int32Array(createGuard());
    const guarded = guardedArena(arena, guard, 'a');
    const block = guarded.allocate(100);
    expect(Atomics.load(guard, 0)).toBe(GUARD.IDLE);
    expect(guarded.stats().liveAllocations).toBe(1);
    Atomics.store(guard, 0, GUARD.TERMINATING);
    expect(() => guarded.allocate(100)).toThrow(ActorStoppedError);
    expect(() => guarded.release(block)).toThrow(
      'actor "a": its worker is being stopped, the arena takes no more work from it',
    );
    arena.release(block);
    expect(arena.stats().bytesInUse).toBe(0);
  });
});
