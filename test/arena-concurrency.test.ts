import type { Worker } from 'node:worker_threads';
import { afterEach, expect, test } from 'vitest';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';
import { spawnWorker } from '../src/util/spawn-worker.js';
import { Churn } from './fixtures/arena-churn.js';
import type { FromArenaWorker, ToArenaWorker } from './fixtures/arena-messages.js';
import { findDamage } from './fixtures/arena-pattern.js';

const WORKERS = 4;
const OPS = 6000;
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

/** Resolves with the next message of `type` from a worker, rejecting on worker errors. */
function inbox(worker: Worker, onOther: (m: FromArenaWorker) => void) {
  const waiting = new Map<string, (m: FromArenaWorker) => void>();
  const early = new Map<string, FromArenaWorker>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const resolve of waiting.values()) resolve({ type: 'error', message: error.message });
  };
  worker.on('error', fail);
  worker.on('message', (m: FromArenaWorker) => {
    if (m.type === 'slab' || m.type === 'handoff') return onOther(m);
    if (m.type === 'error') return fail(new Error(m.message));
    const resolve = waiting.get(m.type);
    if (resolve) {
      waiting.delete(m.type);
      resolve(m);
    } else early.set(m.type, m);
  });
  return <T extends FromArenaWorker['type']>(type: T) =>
    new Promise<Extract<FromArenaWorker, { type: T }>>((resolve, reject) => {
      if (failure) return reject(failure);
      const got = early.get(type);
      if (got) {
        early.delete(type);
        return resolve(got as Extract<FromArenaWorker, { type: T }>);
      }
      waiting.set(type, (m) =>
        m.type === 'error'
          ? reject(new Error(m.message))
          : resolve(m as Extract<FromArenaWorker, { type: T }>),
      );
    });
}

test('four workers and the main thread allocate and release at once without overlap or leaks', async () => {
  // Small slabs, so the arena grows many times during the run, from every thread.
  const arena = Arena.create({ slabSize: 64 * 1024, maxBytes: 256 * 1024 * 1024 });
  const start = new Int32Array(new SharedArrayBuffer(4));
  let mainCreated = 0;
  let handoffReleases = 0;
  const send = (worker: Worker, message: ToArenaWorker) => worker.postMessage(message);
  const relay = (id: number, buffer: SharedArrayBuffer, from: Worker | undefined) => {
    for (const w of workers) if (w !== from) send(w, { type: 'slab', id, buffer });
  };
  arena.onSlabCreated(({ id, buffer }) => {
    mainCreated++;
    relay(id, buffer, undefined);
  });

  const next = [];
  for (let owner = 1; owner <= WORKERS; owner++) {
    const worker = spawnWorker(new URL('./fixtures/arena-worker.js', import.meta.url), {
      workerData: {
        handle: arena.handle(),
        start: start.buffer,
        owner,
        seed: 1000 + owner,
        ops: OPS,
      },
    });
    workers.push(worker);
    next.push(
      inbox(worker, (m) => {
        if (m.type === 'slab') {
          arena.attachSlab(m.id, m.buffer);
          relay(m.id, m.buffer, worker);
        } else if (m.type === 'handoff') {
          // A block allocated on a worker, checked and released here.
          const damage = findDamage(arena.view(m.descriptor), m.owner, m.serial);
          expect(damage, `handed-off block of owner ${m.owner}`).toBe(-1);
          arena.release(m.descriptor as TensorDescriptor);
          handoffReleases++;
        }
      }),
    );
  }
  await Promise.all(next.map((receive) => receive('ready')));

  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  const churn = new Churn(arena, 0, 999, 48);
  for (let done = 0; done < OPS; done += 100) {
    churn.step(100);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  churn.finish();
  const reports = await Promise.all(next.map((receive) => receive('done')));

  // Every slab announcement reached every worker before its 'report' (one port, in order).
  for (const w of workers) send(w, { type: 'report' });
  const attached = await Promise.all(next.map((receive) => receive('attached')));

  const stats = arena.stats();
  const workerAllocations = reports.reduce((sum, r) => sum + r.allocations, 0);
  const workerReleases = reports.reduce((sum, r) => sum + r.releases, 0);
  const handedOff = reports.reduce((sum, r) => sum + r.handedOff, 0);
  expect(handedOff).toBeGreaterThan(0);
  expect(handoffReleases).toBe(handedOff);
  expect(stats.allocations).toBe(workerAllocations + churn.allocations);
  expect(stats.releases).toBe(workerReleases + handoffReleases + churn.releases);
  expect(stats.bytesInUse).toBe(0);
  expect(stats.liveAllocations).toBe(0);
  // Growth happened, on workers too, and every thread learned of every slab.
  const workerCreated = reports.reduce((sum, r) => sum + r.slabsCreated, 0);
  expect(workerCreated).toBeGreaterThan(0);
  expect(stats.slabCount).toBe(1 + mainCreated + workerCreated);
  expect(stats.attachedSlabs).toBe(stats.slabCount);
  for (const { ids } of attached) expect(ids.length).toBe(stats.slabCount);
  expect(stats.highWaterBytes).toBeGreaterThan(0);
  expect(stats.highWaterBytes).toBeLessThanOrEqual(stats.bytesReserved);
});
