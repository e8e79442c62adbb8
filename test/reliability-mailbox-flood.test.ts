import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MailboxFullError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a mailbox under a flood keeps memory bounded', () => {
  it('100 000 sends against capacity 64 with the reject policy: the queue never passes 64 and the heap stays flat', async () => {
    const runtime = await startRuntime();
    const model = classifier({ seed: 2, inputSize: 16, hidden: 16, classes: 4 });
    const actor = await runtime.spawnModel('flooded', {
      model: model.bytes,
      mailbox: { capacity: 64, overflow: 'reject' },
    });
    const features = runtime.arena.writeTensor('float32', [1, 16], seededFloats(1, 16));
    const flood = async (sends: number) => {
      let maxQueued = 0;
      let accepted = 0;
      let refused = 0;
      const answered: Promise<unknown>[] = [];
      for (let i = 0; i < sends; i++) {
        const call = actor.runShared({ features });
        maxQueued = Math.max(maxQueued, actor.stats().queued);
        answered.push(
          call.then(
            (result) => {
              accepted++;
              for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
            },
            (error: unknown) => {
              expect(error).toBeInstanceOf(MailboxFullError);
              refused++;
            },
          ),
        );
        // Answered calls are let go of at once, as a service's request handlers would.
        if (answered.length === 5_000) await Promise.all(answered.splice(0));
      }
      await Promise.all(answered);
      return { maxQueued, accepted, refused };
    };
    await flood(2_000); // warm up: JIT, the first MailboxFullErrors
    const before = heapAfterGc();
    const { maxQueued, accepted, refused } = await flood(100_000);
    const growth = heapAfterGc() - before;
    expect(maxQueued).toBe(64);
    expect(accepted + refused).toBe(100_000);
    expect(accepted).toBeGreaterThanOrEqual(64);
    expect(refused).toBeGreaterThan(90_000);
    // Holding 100 000 messages would take tens of MB (each an envelope, a promise, closures).
    expect(growth).toBeLessThan(4 * 1024 * 1024);
    await actor.idle();
    runtime.arena.release(features);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
