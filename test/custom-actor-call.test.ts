import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type ActorOf, CustomActor } from '../src/engines/js/index.js';
import { ArgumentError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type * as CounterModule from './fixtures/custom-counter.js';
import type { Greeter } from './fixtures/custom-greeter.js';

const actors: CustomActor<object>[] = [];
afterEach(async () => {
  await Promise.all(actors.splice(0).map((actor) => actor.close()));
});

async function spawnGreeter() {
  const context = customContext();
  const actor = await CustomActor.spawn<Greeter>('greeter', context, {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hello' },
  });
  actors.push(actor);
  return { actor, context };
}

describe('a custom actor answers typed calls from its worker', () => {
  it('runs methods through ref and call, with the name and options it was spawned with', async () => {
    const { actor } = await spawnGreeter();
    const greeting = actor.ref.greet('Ada');
    expectTypeOf(greeting).toEqualTypeOf<Promise<string>>();
    expect(await greeting).toBe('Hello, Ada, from greeter');
    const added = actor.call('add', [2, 3]);
    expectTypeOf(added).toEqualTypeOf<Promise<number>>();
    expect(await added).toBe(5);
    const values = Float64Array.from({ length: 100 }, (_, i) => i * 0.5);
    expect(await actor.ref.sum(values)).toBe(2475);
    expect(await actor.ref.count()).toBe(3);
    expect(actor.methods).toEqual(expect.arrayContaining(['greet', 'add', 'hang', 'exit']));
    expect(actor.inputs).toBeUndefined();
    expect(actor.outputs).toBeUndefined();
  });

  it('keeps concurrent calls apart', async () => {
    const { actor } = await spawnGreeter();
    const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => actor.ref.add(i, i * 10)));
    expect(sums).toEqual(Array.from({ length: 50 }, (_, i) => i * 11));
    expect(actor.pending).toBe(0);
  });

  it('builds a default-export class, or the export named by the export option', async () => {
    const context = customContext();
    const counter = await CustomActor.spawn<ActorOf<typeof CounterModule>>('counter', context, {
      module: fixture('custom-counter'),
      options: { step: 5 },
    });
    actors.push(counter);
    expect(await counter.ref.increment()).toBe(5);
    expect(await counter.ref.increment()).toBe(10);

    const echo = await CustomActor.spawn<typeof CounterModule.echo>('echo', context, {
      module: fixture('custom-counter'),
      export: 'echo',
    });
    actors.push(echo);
    expect(await echo.ref.echo({ nested: [1, 'two', { three: 3n }] })).toEqual({
      nested: [1, 'two', { three: 3n }],
    });
  });

  it('refuses a method the actor does not have, naming the ones it has', async () => {
    const { actor } = await spawnGreeter();
    const loose = actor as unknown as CustomActor;
    await expect(loose.call('missing', [])).rejects.toThrow(
      /actor "greeter" has no method "missing"; its methods are .*"greet"/,
    );
    // A typed error naming the argument, the same through call() and through the reference.
    for (const refused of [loose.call('missing', []), loose.ref.missing!(1, 'two')]) {
      const error = await refused.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error).toMatchObject({ code: 'ERR_ARGUMENT', argument: 'method' });
      expect((error as Error).message).toMatch(
        /has no method "missing"; its methods are .*"greet"/,
      );
    }
  });

  it('can be awaited without being taken for a promise', async () => {
    const { actor } = await spawnGreeter();
    const ref = await Promise.resolve(actor.ref);
    expect(await ref.greet('Grace')).toBe('Hello, Grace, from greeter');
  });

  it('emits actor:started once spawned', async () => {
    const context = customContext();
    const started: unknown[] = [];
    context.events.on('actor:started', (event) => started.push(event));
    const actor = await CustomActor.spawn<Greeter>('g2', context, {
      module: fixture('custom-greeter'),
      options: { greeting: 'Hi' },
    });
    actors.push(actor);
    expect(started).toEqual([{ actor: 'g2', replica: 0 }]);
  });
});
