import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Dispatcher, type Runner, type Settle } from '../src/engines/onnx/dispatcher.js';
import { ActorCrashedError, ActorStoppedError, InferenceError } from '../src/errors.js';

interface Result {
  readonly message: number;
  readonly token: number;
}

/** A runner whose runs the test finishes by hand. */
class FakeRunner implements Runner<number, Result> {
  static #next = 0;
  readonly id = FakeRunner.#next++;
  current: { message: number; settle: Settle<Result> } | undefined;
  readonly log: { running: Set<number> };

  constructor(log: { running: Set<number> }) {
    this.log = log;
  }

  run(_id: number, message: number, settle: Settle<Result>): void {
    expect(this.current).toBeUndefined(); // one message at a time per runner
    // A message is never on two runners at once, even when it is run again.
    expect(this.log.running.has(message)).toBe(false);
    this.log.running.add(message);
    this.current = { message, settle };
  }

  finish(how: 'ok' | 'fail' | 'crash', token: number): void {
    const current = this.current!;
    this.current = undefined;
    this.log.running.delete(current.message);
    if (how === 'ok') current.settle({ message: current.message, token }, undefined);
    else if (how === 'fail') current.settle(undefined, new InferenceError('the model failed'));
    else current.settle(undefined, new ActorCrashedError('the runner died'));
  }
}

type Op =
  | { kind: 'submit'; signal: boolean }
  | { kind: 'finish'; pick: number; how: 'ok' | 'fail' }
  | { kind: 'crash'; pick: number; replace: boolean }
  | { kind: 'retire'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'add' }
  | { kind: 'stop' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), signal: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      pick: fc.nat(),
      how: fc.constantFrom('ok' as const, 'fail' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      pick: fc.nat(),
      replace: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retire' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'add' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) },
);

const ticks = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

test('whatever happens to runners and callers, every admitted message is answered exactly once and no result is delivered twice', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('reject' as const, 'wait' as const),
      fc.integer({ min: 1, max: 3 }),
      fc.array(op, { maxLength: 120 }),
      async (capacity, overflow, initialRunners, ops) => {
        const log = { running: new Set<number>() };
        const discarded: Result[] = [];
        let settlements = 0;
        const dispatcher = new Dispatcher<number, Result>(
          'a',
          { capacity, overflow },
          { discard: (late) => discarded.push(late), onSettled: () => settlements++ },
        );
        const live: FakeRunner[] = [];
        const add = () => {
          const runner = new FakeRunner(log);
          live.push(runner);
          dispatcher.add(runner);
        };
        /** Runners that still have a run to finish, alive or not. */
        const working = new Set<FakeRunner>();
        const answers = new Map<number, string[]>();
        const delivered: Result[] = [];
        const produced: Result[] = [];
        const controllers: AbortController[] = [];
        let token = 0;
        /** Messages sent after the stop: refused at the door (dead letters), never admitted. */
        let deadLetters = 0;
        const busy = () => [...working].filter((r) => r.current);
        for (let i = 0; i < initialRunners; i++) add();
        for (const r of live) working.add(r);

        for (const o of ops) {
          switch (o.kind) {
            case 'submit': {
              const message = controllers.length;
              if (dispatcher.stopped) deadLetters++;
              const controller = new AbortController();
              controllers.push(controller);
              answers.set(message, []);
              dispatcher.submit(message, o.signal ? { signal: controller.signal } : {}).then(
                (result) => {
                  expect(result.message).toBe(message);
                  delivered.push(result);
                  answers.get(message)!.push('ok');
                },
                (error: Error) => answers.get(message)!.push(error.name),
              );
              break;
            }
            case 'finish': {
              const runners = busy();
              if (runners.length === 0) break;
              const runner = runners[o.pick % runners.length]!;
              if (o.how === 'ok') {
                const { message, settle } = runner.current!;
                const result = { message, token: token++ };
                produced.push(result);
                // Free before it answers: the answer may hand the runner its next message at once.
                log.running.delete(message);
                runner.current = undefined;
                settle(result, undefined);
              } else runner.finish('fail', token++);
              break;
            }
            case 'crash': {
              if (live.length === 0) break;
              const runner = live.splice(o.pick % live.length, 1)[0]!;
              // As a replica's exit does: the runner leaves, then its run is rejected.
              dispatcher.remove(runner);
              if (runner.current) runner.finish('crash', token++);
              if (o.replace) {
                add();
                working.add(live.at(-1)!);
              }
              break;
            }
            case 'retire': {
              if (live.length === 0) break;
              const runner = live.splice(o.pick % live.length, 1)[0]!;
              dispatcher.retire(runner);
              // Replaced at once; the retired one finishes or dies later (a 'finish' or here).
              add();
              working.add(live.at(-1)!);
              if (runner.current && o.pick % 2 === 0) runner.finish('crash', token++);
              break;
            }
            case 'abort':
              if (controllers.length > 0) controllers[o.pick % controllers.length]!.abort();
              break;
            case 'add':
              add();
              working.add(live.at(-1)!);
              break;
            case 'stop':
              dispatcher.stop(new ActorStoppedError('stopped by the test'));
              break;
          }
          await ticks();
          // The mailbox holds at most its capacity; messages put back after a retirement come on top.
          expect(dispatcher.stats().queued).toBeLessThanOrEqual(capacity + working.size);
        }
        // Wind down: stop (answers the queued), then let every run still out finish.
        dispatcher.stop(new ActorStoppedError('end of the test'));
        for (const runner of busy()) {
          const { message, settle } = runner.current!;
          const result = { message, token: token++ };
          produced.push(result);
          runner.current = undefined;
          settle(result, undefined);
        }
        await ticks();
        await dispatcher.idle();

        for (const [message, got] of answers) {
          expect({ message, answers: got.length }).toEqual({ message, answers: 1 });
        }
        // Every result a runner produced reached its caller or was freed, exactly once.
        const seen = [...delivered, ...discarded].map((r) => r.token).sort((a, b) => a - b);
        expect(seen).toEqual(produced.map((r) => r.token).sort((a, b) => a - b));
        expect(new Set(delivered.map((r) => r.message)).size).toBe(delivered.length);
        const stats = dispatcher.stats();
        expect(stats.succeeded).toBe(delivered.length);
        // The dispatcher's own count of answers: one per message, not one per attempt to answer.
        expect(settlements).toBe(answers.size - deadLetters);
        expect(stats.succeeded + stats.failed).toBe(answers.size - deadLetters);
        expect(stats.late).toBe(discarded.length);
        expect(stats.queued + stats.inFlight).toBe(0);
      },
    ),
    { numRuns: 300 },
  );
});
