import { describe, expect, it, vi } from 'vitest';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorStoppedError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const models = [1, 2, 3].map((seed) => classifier({ seed, inputSize: 16, hidden: 64, classes: 8 }));
const feed = {
  features: { dtype: 'float32' as const, dims: [8, 16], data: seededFloats(4, 128) },
};

describe('a one-for-all supervisor over model actors', () => {
  it('restarts every child when one dies, loses no message of the healthy ones, then gives up past its budget', async () => {
    const runtime = await startRuntime();
    const actors = await Promise.all(
      ['a', 'b', 'c'].map((name, k) => runtime.spawnModel(name, { model: models[k]!.bytes })),
    );
    runtime.supervise('group', {
      strategy: 'one-for-all',
      children: ['a', 'b', 'c'],
      maxRestarts: 1,
      backoffMs: 1,
    });
    const expected = await Promise.all(actors.map((actor) => actor.run(feed)));
    const before = actors.map((actor) => replicasOf(actor)[0]);
    const restarted: string[] = [];
    const allRestarted = new Promise<void>((resolve) =>
      runtime.events.on('actor:restarted', ({ actor }) => {
        restarted.push(actor);
        if (restarted.length === 3) resolve();
      }),
    );

    // Every actor has work queued and running when b's worker is killed.
    const answers = actors.flatMap((actor, k) =>
      Array.from({ length: 4 }, () =>
        actor.run(feed).then(
          (outputs) => {
            expect(outputs).toEqual(expected[k]);
            return `${actor.name}:ok`;
          },
          (error: Error) => `${actor.name}:${error.name}`,
        ),
      ),
    );
    await replicasOf(actors[1]!)[0]!.kill();
    const settled = await Promise.all(answers);
    await allRestarted;
    expect(restarted.sort()).toEqual(['a', 'b', 'c']);
    actors.forEach((actor, k) => expect(replicasOf(actor)[0]).not.toBe(before[k]));
    // Only a message b's dead worker was running may fail; a's and c's all run (again if need be).
    expect(settled.filter((x) => !x.endsWith(':ok'))).toEqual(
      settled.filter((x) => x === 'b:ActorCrashedError'),
    );
    expect(settled.filter((x) => x === 'b:ActorCrashedError').length).toBeLessThanOrEqual(1);
    expect(settled.filter((x) => x.startsWith('a:') || x.startsWith('c:'))).toHaveLength(8);
    expect(runtime.health()).toMatchObject({ ready: true });

    // A second death in the window is past the budget of 1.
    const stopped: string[] = [];
    for (const name of ['a', 'b', 'c']) runtime.watch(name, ({ actor }) => stopped.push(actor));
    const deadLetters: string[] = [];
    runtime.events.on('dead-letter', ({ actor }) => deadLetters.push(actor));
    const gaveUp = new Promise<string>((resolve) =>
      runtime.events.once('supervisor:gave-up', ({ reason }) => resolve(reason)),
    );
    await replicasOf(actors[2]!)[0]!.kill();
    expect(await gaveUp).toMatch(
      /^supervisor "group" gave up: more than 1 restarts within 60000 ms \(last: actor "c": replica 0 died/,
    );
    for (const actor of actors) {
      const error = await actor.run(feed).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(ActorStoppedError);
      expect(error.message).toContain('supervisor "group" gave up');
      expect(actor.state).toBe('stopped');
    }
    await vi.waitFor(() => expect(stopped.sort()).toEqual(['a', 'b', 'c']));
    expect(deadLetters).toEqual(['a', 'b', 'c']);
    const health = runtime.health();
    expect(health.ready).toBe(false);
    expect(health.actors.find((a) => a.name === 'c')).toMatchObject({ state: 'stopped', alive: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
