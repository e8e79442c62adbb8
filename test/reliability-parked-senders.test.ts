import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const FEATURES = 16_384; // one float32 row: 64 KiB
const PARKED = 200; // 12.5 MiB of feeds, three times the arena

describe("senders parked by the 'wait' policy hold no arena memory", () => {
  it('200 parked 64 KiB requests leave room for another actor, and all are served', async () => {
    const runtime = await startRuntime({ arena: { slabSize: 1 << 20, maxBytes: 4 << 20 } });
    const model = classifier({ seed: 5, inputSize: FEATURES, hidden: 8, classes: 4 });
    const flooded = await runtime.spawnModel('flooded', {
      model: model.bytes,
      mailbox: { capacity: 1, overflow: 'wait' },
    });
    const other = await runtime.spawnModel('other', { model: model.bytes });
    const features = {
      dtype: 'float32' as const,
      dims: [1, FEATURES],
      data: seededFloats(9, FEATURES),
    };

    const flood = Array.from({ length: PARKED }, () => flooded.run({ features }));
    const answer = await other.run({ features });
    expect(answer.logits!.dims).toEqual([1, 4]);

    const outcomes = await Promise.allSettled(flood);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
