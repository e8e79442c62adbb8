import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { RuntimeEvents } from '../src/actor/events.js';
import { ownPolicy } from '../src/actor/supervision/own-policy.js';
import { affectedChildren, type Strategy } from '../src/actor/supervision/strategy.js';
import type {
  ActorHealth,
  ActorState,
  DeathHandler,
  Supervisable,
} from '../src/actor/supervision/supervisable.js';
import { Supervisor } from '../src/actor/supervision/supervisor.js';
import { ActorCrashedError, ActorStoppedError, type RoundtableError } from '../src/errors.js';

/** A child that records what the supervisor asks of it, and can be made to die. */
class FakeChild implements Supervisable {
  readonly name: string;
  state: ActorState = 'running';
  readonly restarts: [number | 'all', number][] = [];
  stoppedWith: RoundtableError | undefined;
  #handler: DeathHandler = () => {};

  constructor(name: string) {
    this.name = name;
  }
  health(): ActorHealth {
    return {
      name: this.name,
      kind: 'model',
      state: this.state,
      replicas: 2,
      alive: 2,
      queued: 0,
      inFlight: 0,
    };
  }
  superviseBy(handler: DeathHandler): void {
    this.#handler = handler;
  }
  restart(which: number | 'all', delayMs: number): void {
    this.restarts.push([which, delayMs]);
  }
  async stop(reason: RoundtableError): Promise<void> {
    this.state = 'stopped';
    this.stoppedWith = reason;
  }
  async close(): Promise<void> {
    this.state = 'stopped';
  }
  die(replica: number): void {
    this.#handler({
      actor: this.name,
      replica,
      exitCode: 1,
      error: new ActorCrashedError(`actor "${this.name}": replica ${replica} died (exit code 1)`),
    });
  }
}

function group(strategy: Strategy, budget: { maxRestarts?: number; withinMs?: number } = {}) {
  const children = ['a', 'b', 'c', 'd'].map((name) => new FakeChild(name));
  const events = new EventEmitter<RuntimeEvents>();
  const log: string[] = [];
  events.on('supervisor:restarting', (e) => log.push(`${e.cause} → ${e.restarting.join(',')}`));
  events.on('supervisor:gave-up', (e) => log.push(e.reason));
  // No jitter (random 0): the backoff is exactly 10, 20, 40, … ms.
  const supervisor = new Supervisor(
    'group',
    children,
    { strategy, children: children.map((c) => c.name), backoffMs: 10, ...budget },
    events,
    () => 0,
  );
  return { children, log, supervisor };
}

describe('a supervisor applies its strategy to its children', () => {
  it('picks the children to restart as OTP does', () => {
    expect(affectedChildren('one-for-one', 4, 2)).toEqual([2]);
    expect(affectedChildren('one-for-all', 4, 2)).toEqual([0, 1, 2, 3]);
    expect(affectedChildren('rest-for-one', 4, 1)).toEqual([1, 2, 3]);
    expect(affectedChildren('rest-for-one', 4, 3)).toEqual([3]);
    expect(() => affectedChildren('one-for-one', 2, 2)).toThrow(RangeError);
  });

  it('one-for-one restarts only the replica that died', () => {
    const { children, log } = group('one-for-one');
    children[1]!.die(1);
    expect(children.map((c) => c.restarts)).toEqual([[], [[1, 10]], [], []]);
    expect(log).toEqual(['b → b']);
  });

  it('one-for-all restarts every child whole', () => {
    const { children, log } = group('one-for-all');
    children[2]!.die(0);
    expect(children.map((c) => c.restarts)).toEqual(children.map(() => [['all', 10]]));
    expect(log).toEqual(['c → a,b,c,d']);
  });

  it('rest-for-one restarts the child that died and every child after it', () => {
    const { children, log } = group('rest-for-one');
    children[1]!.die(0);
    expect(children.map((c) => c.restarts.length)).toEqual([0, 1, 1, 1]);
    expect(log).toEqual(['b → b,c,d']);
  });

  it('backs off exponentially within the window, and gives up past the budget: every child stops', () => {
    const { children, log, supervisor } = group('one-for-one', {
      maxRestarts: 3,
      withinMs: 60_000,
    });
    children[0]!.die(0);
    children[3]!.die(0);
    children[0]!.die(1);
    expect(children[0]!.restarts).toEqual([
      [0, 10],
      [1, 40],
    ]);
    expect(children[3]!.restarts).toEqual([[0, 20]]);
    children[1]!.die(0);
    expect(supervisor.gaveUp).toMatch(
      /^supervisor "group" gave up: more than 3 restarts within 60000 ms \(last: actor "b": replica 0 died/,
    );
    expect(log.at(-1)).toBe(supervisor.gaveUp);
    for (const child of children) {
      expect(child.state).toBe('stopped');
      expect(child.stoppedWith).toBeInstanceOf(ActorStoppedError);
      expect(child.stoppedWith!.message).toBe(supervisor.gaveUp);
    }
    // Deaths after giving up change nothing.
    children[2]!.die(0);
    expect(children[2]!.restarts).toEqual([]);
  });

  it('refuses an unknown strategy and an empty group', () => {
    const events = new EventEmitter<RuntimeEvents>();
    const child = new FakeChild('a');
    expect(
      () =>
        new Supervisor(
          's',
          [child],
          { strategy: 'all-for-one' as Strategy, children: ['a'] },
          events,
        ),
    ).toThrow(/strategy must be one of one-for-one, one-for-all, rest-for-one, got all-for-one/);
    expect(
      () => new Supervisor('s', [], { strategy: 'one-for-one', children: [] }, events),
    ).toThrow(RangeError);
  });

  it('an actor nobody supervises restarts what died within its own budget, then stops', () => {
    const child = new FakeChild('solo');
    child.superviseBy(ownPolicy(child, { maxRestarts: 2, backoffMs: 5 }, () => 0));
    child.die(1);
    child.die(0);
    expect(child.restarts).toEqual([
      [1, 5],
      [0, 10],
    ]);
    child.die(1);
    expect(child.restarts).toHaveLength(2);
    expect(child.state).toBe('stopped');
    expect(child.stoppedWith!.message).toBe(
      'actor "solo" stopped: more than 2 restarts within 60000 ms (last: actor "solo": replica 1 died (exit code 1))',
    );
  });
});
