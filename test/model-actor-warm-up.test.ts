import { describe, expect, it } from 'vitest';
import { ArgumentError, FeedError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { startRuntime } from './support/runtime.js';

describe('ModelActor.warmUp asks the model before traffic comes', () => {
  const model = classifier({ seed: 3, inputSize: 8, classes: 3 }).bytes;
  const feeds = {
    features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(0.5) },
  };

  it('makes the asks it was given, each answered and counted like any other', async () => {
    const runtime = await startRuntime();
    const clf = await runtime.spawnModel('clf', { model, replicas: 2 });
    const answered: string[] = [];
    runtime.events.on('actor:message', (event) => answered.push(event.actor));

    const report = await clf.warmUp(feeds, { asks: 37, ms: 600_000 });

    expect(report.asks).toBe(37);
    expect(report.ms).toBeGreaterThan(0);
    expect(answered).toHaveLength(37);
    expect(clf.stats()).toMatchObject({ runs: 37, failures: 0, inFlight: 0, queued: 0 });
    const after = await clf.run(feeds);
    expect(after.logits?.dims).toEqual([1, 3]);
  });

  it('stops at its time limit, with every ask it made answered', async () => {
    const runtime = await startRuntime();
    const clf = await runtime.spawnModel('clf', { model });

    const report = await clf.warmUp(feeds, { asks: 1_000_000, ms: 30 });

    expect(report.asks).toBeGreaterThan(0);
    expect(report.asks).toBeLessThan(1_000_000);
    expect(report.ms).toBeGreaterThanOrEqual(30);
    expect(clf.stats()).toMatchObject({ runs: report.asks, inFlight: 0, queued: 0 });
  });

  it('keeps no more asks in flight than a mailbox that refuses can hold', async () => {
    const runtime = await startRuntime();
    const clf = await runtime.spawnModel('clf', {
      model,
      mailbox: { capacity: 1, overflow: 'reject' },
    });
    let full = 0;
    runtime.events.on('mailbox:full', () => full++);

    const report = await clf.warmUp(feeds, { asks: 40 });

    expect(report.asks).toBe(40);
    expect(full).toBe(0);
    expect(clf.stats()).toMatchObject({ runs: 40, failures: 0 });
  });

  it('refuses a feed the model cannot take with a FeedError naming the actor and the input', async () => {
    const runtime = await startRuntime();
    const clf = await runtime.spawnModel('clf', { model });
    const wrong = {
      features: { dtype: 'float32' as const, dims: [1, 9], data: new Float32Array(9) },
    };

    await expect(clf.warmUp(wrong, { asks: 10 })).rejects.toThrow(FeedError);
    await expect(clf.warmUp(wrong, { asks: 10 })).rejects.toThrow(
      /actor "clf": input "features" expects dimension 1 to be 8/,
    );
    expect(clf.stats()).toMatchObject({ runs: 0, inFlight: 0, queued: 0 });
  });

  it('refuses options it cannot use with an ArgumentError naming warmUp()', async () => {
    const runtime = await startRuntime();
    const clf = await runtime.spawnModel('clf', { model });

    await expect(clf.warmUp(feeds, { asks: 0 })).rejects.toThrow(ArgumentError);
    await expect(clf.warmUp(feeds, { asks: 0 })).rejects.toThrow(
      /actor "clf": warmUp\(\): options.asks must be an integer ≥ 1, got 0/,
    );
    await expect(clf.warmUp(feeds, { ms: 1.5 })).rejects.toThrow(/options.ms must be an integer/);
    await expect(clf.warmUp(feeds, [] as never)).rejects.toThrow(/options must be an object/);
    expect(clf.stats().runs).toBe(0);
  });
});
