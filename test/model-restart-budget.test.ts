import { describe, expect, it } from 'vitest';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorStoppedError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const model = classifier({ seed: 3, inputSize: 16, hidden: 32, classes: 8 });
const feed = {
  features: { dtype: 'float32' as const, dims: [4, 16], data: seededFloats(1, 64) },
};

describe('a model actor whose replicas share one restart budget', () => {
  it('restarts the first death, stops at a death of another replica past the budget: once, for good', async () => {
    const runtime = await startRuntime();
    const stops: { actor: string; reason: { code: string; message: string } | undefined }[] = [];
    runtime.events.on('actor:stopped', (event) => stops.push(event));
    const exits: string[] = [];
    runtime.events.on('actor:exited', (e) => exits.push(`${e.replica} ${e.expected}`));
    const restarts: number[] = [];
    runtime.events.on('actor:restarted', (e) => restarts.push(e.replica));
    const actor = await runtime.spawnModel('pair', {
      model: model.bytes,
      replicas: 2,
      restart: { maxRestarts: 1, backoffMs: 1 },
    });
    const [first, second] = replicasOf(actor);

    await first!.kill();
    await expect.poll(() => restarts).toEqual([0]);
    expect(actor.health()).toMatchObject({ state: 'running', replicas: 2, alive: 2 });
    await actor.run(feed);

    // The budget is the actor's, not each replica's: this death is one too many.
    await second!.kill();
    await expect.poll(() => stops.length).toBe(1);
    expect(stops[0]!.actor).toBe('pair');
    expect(stops[0]!.reason?.code).toBe('ERR_ACTOR_STOPPED');
    expect(stops[0]!.reason?.message).toMatch(
      /^actor "pair" stopped: more than 1 restarts .*\(last: actor "pair": replica 1 died/,
    );
    // Each death announced once; the replica that came back ended on purpose, not left running.
    await expect.poll(() => exits.length).toBe(3);
    expect(exits).toEqual(['0 false', '1 false', '0 true']);
    expect(actor.health()).toMatchObject({ state: 'stopped', replicas: 2, alive: 0 });
    expect(actor.stats().restarts).toBe(1);
    await expect(actor.run(feed)).rejects.toBeInstanceOf(ActorStoppedError);
    await actor.close();
    expect(stops).toHaveLength(1);
    expect(restarts).toEqual([0]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
