import { describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorStoppedError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

async function spawn(name: string) {
  const context = customContext();
  const exits: { exitCode: number; expected: boolean }[] = [];
  const deadLetters: string[] = [];
  context.events.on('actor:exited', ({ exitCode, expected }) => exits.push({ exitCode, expected }));
  context.events.on('dead-letter', ({ actor }) => deadLetters.push(actor));
  const actor = await CustomActor.spawn<Greeter>(name, context, {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hi' },
  });
  return { actor, exits, deadLetters };
}

describe('a closed custom actor refuses calls with ActorStoppedError', () => {
  it('refuses calls made after close, and reports an expected exit', async () => {
    const { actor, exits, deadLetters } = await spawn('retired');
    expect(await actor.ref.greet('Ada')).toBe('Hi, Ada, from retired');
    await actor.close();
    const error = await actor.ref.greet('Ada').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorStoppedError);
    expect((error as ActorStoppedError).code).toBe('ERR_ACTOR_STOPPED');
    expect((error as Error).message).toBe(
      'actor "retired": greet() refused: the actor has stopped (actor "retired" was closed)',
    );
    await expect(actor.runShared({})).rejects.toBeInstanceOf(ActorStoppedError);
    expect(exits).toEqual([{ exitCode: 1, expected: true }]);
    expect(deadLetters).toEqual(['retired', 'retired']);
    await actor.close(); // a second close is harmless
  });

  it('answers calls still in flight after the grace period with ActorStoppedError', async () => {
    const { actor, exits } = await spawn('hurried');
    const hang = actor.ref.hang().catch((e: unknown) => e);
    const closing = actor.close(10);
    // Refused at once, while the worker is still alive.
    await expect(actor.ref.count()).rejects.toBeInstanceOf(ActorStoppedError);
    await closing;
    const error = await hang;
    expect(error).toBeInstanceOf(ActorStoppedError);
    expect((error as Error).message).toMatch(
      /^actor "hurried" was closed while hang\(\) \(call \d+\) was in flight \(it had 10 ms to finish\)$/,
    );
    expect(exits).toEqual([{ exitCode: 1, expected: true }]);
  });

  it('lets calls in flight finish within the grace period', async () => {
    const { actor } = await spawn('patient');
    const greeting = actor.ref.greet('Ada');
    await actor.close();
    expect(await greeting).toBe('Hi, Ada, from patient');
  });
});
