import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomActor } from '../src/engines/js/index.js';
import { AbortError } from '../src/errors.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { Greeter } from './fixtures/custom-greeter.js';

let actor: CustomActor<Greeter>;
beforeAll(async () => {
  actor = await CustomActor.spawn<Greeter>('abortable', customContext(), {
    module: fixture('custom-greeter'),
    options: { greeting: 'Hi' },
  });
});
afterAll(() => actor.close(0));

describe('a call is cancelled through its AbortSignal', () => {
  it('rejects a call in flight with AbortError when the signal fires', async () => {
    const controller = new AbortController();
    const calls = [
      actor.with({ signal: controller.signal }).hang(),
      actor.call('hang', [], { signal: controller.signal }),
    ];
    // The worker has both calls once a later call on the same port has been answered.
    expect(await actor.ref.count()).toBe(2);
    expect(actor.pending).toBe(2);
    const reason = new Error('user navigated away');
    controller.abort(reason);
    for (const call of calls) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toMatch(
        /^actor "abortable": hang\(\) \(call \d+\) was aborted while in flight$/,
      );
      expect((error as Error).cause).toBe(reason);
    }
    expect(actor.pending).toBe(0);
  });

  it('rejects at once, without sending, when the signal has already fired', async () => {
    const before = await actor.ref.count();
    const error = await actor
      .call('greet', ['Ada'], { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toContain('was aborted before it was sent');
    expect(await actor.ref.count()).toBe(before);
  });

  it('leaves answered calls alone when their signal fires later', async () => {
    const controller = new AbortController();
    const greeting = await actor.call('greet', ['Ada'], { signal: controller.signal });
    controller.abort();
    expect(greeting).toBe('Hi, Ada, from abortable');
  });
});
