import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorContext } from '../src/actor/context.js';
import { CustomActor } from '../src/engines/js/index.js';
import { ArgumentError, RoundtableError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import { mutate, mutation } from './support/argument-fuzz.js';

/**
 * CustomActor.spawn called directly (not through the runtime's spawnCustom, which has its own
 * check): every wrong option is refused with a RoundtableError naming it, an actor spawned before
 * still serves, and the arena holds nothing.
 */

type Greeter = { add(a: number, b: number): Promise<number> };

let context: ActorContext;
let served: CustomActor<Greeter>;
const module = fixture('custom-greeter');

beforeAll(async () => {
  context = customContext();
  served = await CustomActor.spawn<Greeter>('served', context, { module });
}, 60_000);

afterAll(async () => {
  await served?.close(0);
});

const outcomes = { spawned: 0, refused: 0 };

async function refusedOrSpawned(call: () => Promise<CustomActor>): Promise<void> {
  let spawned: CustomActor | undefined;
  try {
    spawned = await call();
    outcomes.spawned++;
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(`spawn refused with ${(error as Error)?.name}: ${(error as Error)?.message}`);
    outcomes.refused++;
  }
  await spawned?.close(0);
  expect(await served.ref.add(2, 3)).toBe(5);
  expect(context.arena.stats().bytesInUse).toBe(0);
}

describe('CustomActor.spawn checks its arguments at the door', () => {
  it('wrong options of every kind are RoundtableErrors; the actor spawned before serves on', async () => {
    const good = {
      module: module.href, // a URL would be copied by mutate() as a plain object
      options: { greeting: 'hi' },
      timeout: 30_000,
      startTimeout: 30_000,
      mailbox: { capacity: 4 },
      restart: { maxRestarts: 1, withinMs: 1_000 },
    };
    await fc.assert(
      fc.asyncProperty(mutation(good), async (m) => {
        await refusedOrSpawned(() => CustomActor.spawn('a', context, mutate(good, m) as never));
      }),
      { seed: 20_261_205, numRuns: 40, endOnFailure: true },
    );
    // Both sides were exercised: some mutations leave good options (an extra key, a changed greeting).
    expect(outcomes.spawned).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 300_000);

  it('each wrong option is named', async () => {
    const named = async (options: unknown, argument: string, name: unknown = 'a') => {
      const error = await CustomActor.spawn(name as never, context, options as never).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe(argument);
    };
    await named(undefined, 'options.module');
    await named(null, 'options');
    await named({ module: 5 }, 'options.module');
    await named({ module, startTimeout: Number.NaN }, 'options.startTimeout');
    await named({ module, mailbox: { capacity: 1.5 } }, 'options.mailbox.capacity');
    await named({ module, restart: { jitter: 2 } }, 'options.restart.jitter');
    await named({ module, export: '' }, 'options.export');
    await named({ module }, 'name', '');
    await named(
      Object.defineProperty({ module }, 'timeout', {
        enumerable: true,
        get() {
          throw new Error('no');
        },
      }),
      'options.timeout',
    );
    expect(context.arena.stats().bytesInUse).toBe(0);
  });
});
