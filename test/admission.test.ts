import { describe, expect, it } from 'vitest';
import { Admission } from '../src/actor/admission.js';
import { ActorStoppedError } from '../src/errors.js';

/** A stand-in actor that checks its admission at its door, as every actor does. */
class DoorActor {
  readonly name = 'door';
  readonly #admission: Admission;
  constructor(admission: Admission) {
    this.#admission = admission;
  }
  async call(value: number): Promise<number> {
    const refused = this.#admission.refusal(this.name, 'call()');
    if (refused) throw refused;
    await Promise.resolve();
    return value * 2;
  }
}

describe('Admission: direct calls refused once closing, calls through a view served', () => {
  it('serves every call while open, and after close() only those made through the view', async () => {
    const admission = new Admission();
    const actor = new DoorActor(admission);
    const view = admission.view(actor);
    expect(await actor.call(1)).toBe(2);
    expect(await view.call(2)).toBe(4);

    admission.close();
    const direct = actor.call(3);
    await expect(direct).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(direct).rejects.toThrow(/actor "door": call\(\) refused, the runtime is closing/);
    expect(await view.call(4)).toBe(8);
    // The view only marks the call while it is on the stack: a direct call after it is refused.
    await expect(actor.call(5)).rejects.toBeInstanceOf(ActorStoppedError);
  });

  it('gives one view per actor, which reads the actor’s fields and is an instance of its class', () => {
    const admission = new Admission();
    const actor = new DoorActor(admission);
    const view = admission.view(actor);
    expect(admission.view(actor)).toBe(view);
    expect(view.name).toBe('door');
    expect(view).toBeInstanceOf(DoorActor);
  });

  it('gives a method the same admitted function on every lookup, and a new one once it is replaced', async () => {
    const admission = new Admission();
    const actor: { call(value: number): number } = { call: (value) => value + 1 };
    const view = admission.view(actor);
    expect(view.call).toBe(view.call);
    const before = view.call;
    actor.call = (value) => {
      // The replacement runs as admitted work too.
      if (admission.refusal('door', 'call()')) throw new Error('not admitted');
      return value * 10;
    };
    admission.close();
    expect(view.call).not.toBe(before);
    expect(view.call(3)).toBe(30);
    expect(() => actor.call(3)).toThrow('not admitted');
  });

  it('stops marking calls as admitted when the call throws', () => {
    const admission = new Admission();
    const thrower = {
      fail(): never {
        throw new Error('boom');
      },
    };
    admission.close();
    expect(() => admission.view(thrower).fail()).toThrow('boom');
    expect(admission.refusal('door', 'call()')).toBeInstanceOf(ActorStoppedError);
  });
});
