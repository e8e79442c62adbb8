import { describe, expect, it } from 'vitest';
import type { RuntimeEvents } from '../src/actor/events.js';
import { CustomActor } from '../src/engines/js/index.js';
import { killWorker } from '../src/engines/test-hooks.js';
import { ActorCrashedError, ActorStoppedError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

type Exited = Parameters<RuntimeEvents['actor:exited']>[0];

describe('when the worker of a custom actor dies, every call in flight rejects', () => {
  it('rejects each pending call once with ActorCrashedError when the worker calls process.exit(3)', async () => {
    const context = customContext();
    const exits: Exited[] = [];
    const stopped: string[] = [];
    context.events.on('actor:exited', (event) => exits.push(event));
    context.events.on('actor:stopped', (event) => stopped.push(event.reason?.name ?? 'none'));
    const actor = await CustomActor.spawn<Greeter>('doomed', context, {
      module: fixture('custom-greeter'),
      options: { greeting: 'Hi' },
    });
    const onExit: [number, boolean][] = [];
    actor.onExit((code, expected) => onExit.push([code, expected]));

    const settlements: string[] = [];
    const watch = (name: string, call: Promise<unknown>) =>
      call.then(
        () => settlements.push(`${name}: resolved`),
        (error: Error) => {
          settlements.push(`${name}: ${error.name}`);
          return error;
        },
      );
    const hangs = [0, 1, 2].map((i) => watch(`hang${i}`, actor.ref.hang()));
    const exit = watch('exit', actor.ref.exit(3));
    const errors = await Promise.all([...hangs, exit]);

    expect(settlements.sort()).toEqual([
      'exit: ActorCrashedError',
      'hang0: ActorCrashedError',
      'hang1: ActorCrashedError',
      'hang2: ActorCrashedError',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ActorCrashedError);
      expect((error as ActorCrashedError).code).toBe('ERR_ACTOR_CRASHED');
      expect((error as Error).message).toMatch(
        /^actor "doomed" died \(exit code 3\) while (hang|exit)\(\) \(call \d+\) was in flight, one of 4$/,
      );
    }
    expect(actor.pending).toBe(0);
    expect(actor.alive).toBe(false);
    expect(exits).toEqual([{ actor: 'doomed', replica: 0, exitCode: 3, expected: false }]);
    expect(onExit).toEqual([[3, false]]);
    expect(stopped).toEqual(['ActorCrashedError']);

    const after = await actor.ref.greet('Ada').catch((e: unknown) => e);
    expect(after).toBeInstanceOf(ActorStoppedError);
    expect((after as Error).message).toMatch(
      /^actor "doomed": greet\(\) refused: the actor has stopped \(actor "doomed" died \(exit code 3\)\)$/,
    );
    await actor.close();
    // Nothing settled twice, nor late.
    expect(settlements).toHaveLength(4);
  });

  it('delivers a reply the worker posted just before it died, and rejects only the others', async () => {
    for (let round = 0; round < 2; round++) {
      const actor = await CustomActor.spawn<Greeter>(`brief${round}`, customContext(), {
        module: fixture('custom-greeter'),
        options: { greeting: 'Hi' },
      });
      const hang = actor.ref.hang().catch((e: unknown) => e);
      expect(await actor.ref.answerThenExit(4)).toBe('goodbye');
      expect(await hang).toBeInstanceOf(ActorCrashedError);
      expect(((await hang) as Error).message).toContain('one of 1');
    }
  });

  it('rejects pending calls when the worker is killed from outside', async () => {
    const actor = await CustomActor.spawn<Greeter>('killed', customContext(), {
      module: fixture('custom-greeter'),
      options: { greeting: 'Hi' },
    });
    const hang = actor.ref.hang();
    expect(await actor.ref.count()).toBe(1);
    await killWorker(actor);
    await expect(hang).rejects.toBeInstanceOf(ActorCrashedError);
    await expect(actor.ref.count()).rejects.toBeInstanceOf(ActorStoppedError);
  });
});
