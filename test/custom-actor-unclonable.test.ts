import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorError, ArgumentError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

let actor: CustomActor<Greeter>;
beforeAll(async () => {
  actor = await CustomActor.spawn<Greeter>('cloner', customContext(), {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hi' },
  });
});
afterAll(() => actor.close());

describe('a value that cannot cross threads gives a typed error, never a hang', () => {
  it.each([
    ['returnFunction', /could not be cloned/],
    ['returnSymbol', /Symbol\(token\) could not be cloned/],
    ['returnObjectWithFunction', /could not be cloned/],
  ] as const)('%s(): ActorError naming the actor and the method', async (method, reason) => {
    const error = await actor.call(method, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorError);
    const message = (error as Error).message;
    expect(message).toContain(
      `actor "cloner": ${method}() returned a value that cannot be sent back to the caller`,
    );
    expect(message).toMatch(reason);
  });

  it('an argument that cannot be cloned is an ArgumentError, and nothing is sent', async () => {
    const sum = actor.call('sum', [(() => 1) as unknown as Float64Array]);
    await expect(sum).rejects.toBeInstanceOf(ArgumentError);
    await expect(sum).rejects.toMatchObject({ argument: 'args' });
    await expect(sum).rejects.toThrow(/actor "cloner": sum\(\): the arguments cannot be sent/);
    expect(actor.pending).toBe(0);
    expect(await actor.ref.count()).toBe(0);
  });
});
