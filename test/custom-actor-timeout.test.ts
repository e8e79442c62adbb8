import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ArgumentError, TimeoutError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

let actor: CustomActor<Greeter>;
beforeAll(async () => {
  actor = await CustomActor.spawn<Greeter>('sleeper', customContext(), {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hi' },
    timeout: 40,
  });
});
afterAll(() => actor.close(0));

describe('a call that is not answered in time rejects with TimeoutError', () => {
  it('uses the timeout the actor was spawned with', async () => {
    const error = await actor.ref.hang().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('ERR_TIMEOUT');
    expect((error as Error).message).toMatch(
      /^actor "sleeper": hang\(\) \(call \d+\) timed out after 40 ms$/,
    );
    expect(actor.pending).toBe(0);
  });

  it('lets one call override it, through call() or with()', async () => {
    await expect(actor.call('hang', [], { timeout: 15 })).rejects.toThrow(/timed out after 15 ms/);
    await expect(actor.with({ timeout: 25 }).hang()).rejects.toThrow(/timed out after 25 ms/);
  });

  it('does not time out a call answered in time, and refuses a timeout that is not positive', async () => {
    expect(await actor.ref.greet('Ada')).toBe('Hi, Ada, from sleeper');
    await expect(actor.call('greet', ['x'], { timeout: 0 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(actor.call('greet', ['x'], { timeout: Number.NaN })).rejects.toThrow(
      /options.timeout must be a number of milliseconds > 0, got NaN/,
    );
  });
});
