import { describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorError, ArgumentError, TimeoutError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';

describe('a custom actor that cannot start rejects spawn with a typed error', () => {
  it.each([
    [
      'the module does not exist',
      { module: fixture('custom-no-such-module') },
      /^actor "a" could not start: Error: Cannot find module .*custom-no-such-module/,
    ],
    [
      'the factory throws',
      { module: fixture('custom-broken') },
      /^actor "a" could not start: Error: the weights file is missing$/,
    ],
    [
      'the named export does not exist',
      { module: fixture('custom-broken'), export: 'missing' },
      /could not start: TypeError: .*the module has no export "missing"; it exports "createActor", "forever", "notAnActor"$/,
    ],
    [
      'the export builds no object',
      { module: fixture('custom-broken'), export: 'notAnActor' },
      /could not start: TypeError: .*export "notAnActor" must build an object of functions, got number$/,
    ],
  ])('when %s', async (_case, options, message) => {
    const context = customContext();
    const started: unknown[] = [];
    context.events.on('actor:started', (event) => started.push(event));
    const error = await CustomActor.spawn('a', context, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorError);
    expect((error as Error).message).toMatch(message);
    expect(started).toEqual([]);
  });

  it('rejects with ActorError when the worker exits while loading the module', async () => {
    const error = await CustomActor.spawn('a', customContext(), {
      module: fixture('custom-exit-on-load'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorError);
    expect((error as Error).message).toBe(
      'actor "a": its worker exited with code 7 while starting',
    );
  });

  it('rejects with TimeoutError when the factory does not finish within startTimeout', async () => {
    const error = await CustomActor.spawn('a', customContext(), {
      module: fixture('custom-broken'),
      export: 'forever',
      startTimeout: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('actor "a" did not start within 1000 ms');
  });

  it('refuses options out of range before starting a worker', async () => {
    const context = customContext();
    const module = fixture('custom-greeter');
    await expect(CustomActor.spawn('a', context, { module, timeout: -1 })).rejects.toThrow(
      new ArgumentError(
        'actor "a": spawn: options.timeout must be a number of milliseconds > 0, got -1',
        'options.timeout',
      ),
    );
    await expect(CustomActor.spawn('a', context, { module: '' })).rejects.toMatchObject({
      code: 'ERR_ARGUMENT',
      argument: 'options.module',
    });
  });
});
