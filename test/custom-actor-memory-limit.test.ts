import { describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorCrashedError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

describe('a custom actor that runs out of its resourceLimits memory crashes cleanly', () => {
  it('rejects every pending call with ActorCrashedError saying the memory ran out', async () => {
    const context = customContext();
    const exits: number[] = [];
    context.events.on('actor:exited', (event) => exits.push(event.exitCode));
    const actor = await CustomActor.spawn<Greeter>('glutton', context, {
      module: fixture('custom-greeter'),
      options: { greeting: 'Hi' },
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    });
    const hang = actor.ref.hang();
    const hoard = actor.ref.hoard();
    const errors = await Promise.all([hang, hoard].map((call) => call.catch((e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(ActorCrashedError);
      expect((error as Error).message).toMatch(
        /^actor "glutton" died \(exit code 1: ERR_WORKER_OUT_OF_MEMORY: .*memory limit.*\) while (hang|hoard)\(\)/,
      );
    }
    expect(exits).toEqual([1]);
    expect(actor.pending).toBe(0);
  });
});
