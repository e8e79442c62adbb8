import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import type { FaultyActor } from './fixtures/faulty-actor.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const faulty = new URL('./fixtures/faulty-actor.ts', import.meta.url);
const slow = sizedModel({ seed: 2, width: 512, layers: 8 });
const big = {
  input: { dtype: 'float32' as const, dims: [64, 512], data: seededFloats(1, 64 * 512) },
};

describe('death watch, dead letters and health', () => {
  it('tells watchers once when an actor stops, reports every message to a stopped actor as a dead letter, and shows it in health', async () => {
    const runtime = await startRuntime();
    const [model, custom] = await Promise.all([
      runtime.spawnModel('m', { model: slow.bytes }),
      runtime.spawnCustom<FaultyActor>('c', { module: faulty, options: {} }),
    ]);
    const byName = (health: ReturnType<typeof runtime.health>) => ({
      ...health,
      actors: [...health.actors].sort((a, b) => a.name.localeCompare(b.name)),
    });
    expect(byName(runtime.health())).toEqual({
      ready: true,
      open: true,
      actors: [
        {
          name: 'c',
          kind: 'custom',
          state: 'running',
          replicas: 1,
          alive: 1,
          queued: 0,
          inFlight: 0,
        },
        {
          name: 'fusion',
          kind: 'fusion',
          state: 'running',
          replicas: 1,
          alive: 1,
          queued: 0,
          inFlight: 0,
        },
        {
          name: 'm',
          kind: 'model',
          state: 'running',
          replicas: 1,
          alive: 1,
          queued: 0,
          inFlight: 0,
        },
      ],
    });
    const watched: string[] = [];
    runtime.watch('m', (e) => watched.push(`m: ${e.reason?.name} ${e.reason?.message}`));
    const cancelled = runtime.watch('c', () => watched.push('c (cancelled watch)'));
    cancelled();
    runtime.watch('c', (e) => watched.push(`c: ${e.reason?.message}`));
    const deadLetters: string[] = [];
    runtime.events.on('dead-letter', ({ actor, reason }) =>
      deadLetters.push(`${actor}: ${reason}`),
    );

    // One message runs, one waits on the replica behind it (its doorbell's second slot), two wait
    // in the mailbox when the actor is closed without grace.
    // run() submits before it returns: the state holds at once, before any answer can arrive.
    const calls = [0, 1, 2, 3].map(() => model.run(big).catch((e: unknown) => e as Error));
    expect(model.health()).toMatchObject({ queued: 2, inFlight: 2 });
    await model.close(0);
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(ActorStoppedError);
    expect(deadLetters).toEqual(['m: actor "m" was closed', 'm: actor "m" was closed']);
    await expect(model.run(big)).rejects.toThrow(ActorStoppedError);
    await custom.close();
    await expect(custom.ref.calls()).rejects.toThrow(ActorStoppedError);
    expect(deadLetters).toHaveLength(4);
    expect(watched).toEqual([
      'm: ActorStoppedError actor "m" was closed',
      'c: actor "c" was closed',
    ]);
    // Watching an actor already stopped answers at once (on the next tick).
    const late = await new Promise((resolve) => runtime.watch('m', resolve));
    expect(late).toMatchObject({ actor: 'm', reason: { code: 'ERR_ACTOR_STOPPED' } });
    expect(() => runtime.watch('nobody', () => {})).toThrow('no actor named "nobody" to watch');
    expect(byName(runtime.health())).toMatchObject({
      ready: false,
      open: true,
      actors: [
        { name: 'c', state: 'stopped', alive: 0 },
        { name: 'fusion', state: 'running' },
        { name: 'm', state: 'stopped', alive: 0 },
      ],
    });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
