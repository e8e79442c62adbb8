import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

let actor: CustomActor<Greeter>;
beforeAll(async () => {
  actor = await CustomActor.spawn<Greeter>('thrower', customContext(), {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hi' },
  });
});
afterAll(() => actor.close());

describe('an exception thrown by user code reaches the caller as a typed error', () => {
  it('keeps the class name and message of an error thrown synchronously', async () => {
    const error = await actor.ref.fail('weights must sum to 1, got 0.7').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorError);
    expect((error as ActorError).code).toBe('ERR_ACTOR');
    expect((error as Error).message).toBe(
      'actor "thrower": fail() threw RangeError: weights must sum to 1, got 0.7',
    );
    const cause = (error as Error).cause as Error;
    expect(cause.name).toBe('RangeError');
    expect(cause.stack).toContain('custom-greeter');
  });

  it('does the same for an async method that rejects', async () => {
    await expect(actor.ref.failLater('bad token 17')).rejects.toThrow(
      new ActorError('actor "thrower": failLater() threw SyntaxError: bad token 17'),
    );
  });

  it('wraps a thrown value that is not an Error', async () => {
    const error = await actor.ref.throwString().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorError);
    expect((error as Error).message).toBe(
      'actor "thrower": throwString() threw a non-error value: "a bare string"',
    );
  });

  it('leaves the actor working afterwards', async () => {
    expect(await actor.ref.greet('Ada')).toBe('Hi, Ada, from thrower');
  });
});
