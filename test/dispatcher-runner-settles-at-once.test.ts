import { expect, test } from 'vitest';
import { Dispatcher, type Runner, type Settle } from '../src/engines/onnx/dispatcher.js';
import { InferenceError } from '../src/errors.js';

/**
 * A runner answers through a callback, which it may call before `run` returns (a replica whose
 * doorbell already holds the answer): the dispatcher then hands it its next message from inside
 * that call. And one that throws instead still gets its message answered, once.
 */
class AtOnceRunner implements Runner<number, number> {
  readonly ran: number[] = [];
  run(_id: number, message: number, settle: Settle<number>): void {
    this.ran.push(message);
    if (message < 0) throw new InferenceError(`message ${message} is refused`);
    settle(message * 10, undefined);
  }
}

/** A dispatcher, and how many answers it has given (its onSettled calls). */
function counted(): { dispatcher: Dispatcher<number, number>; settled: () => number } {
  let settled = 0;
  const dispatcher = new Dispatcher<number, number>(
    'a',
    { capacity: 8 },
    { onSettled: () => settled++ },
  );
  return { dispatcher, settled: () => settled };
}

test('messages answered before run returns are each answered once, in order, and the next is sent', async () => {
  const { dispatcher, settled } = counted();
  const answers = [1, 2, 3, 4].map((m) => dispatcher.submit(m));
  const runner = new AtOnceRunner();
  dispatcher.add(runner);
  expect(await Promise.all(answers)).toEqual([10, 20, 30, 40]);
  expect(runner.ran).toEqual([1, 2, 3, 4]);
  expect(settled()).toBe(4);
  await dispatcher.idle();
  expect(dispatcher.stats()).toMatchObject({ queued: 0, inFlight: 0, succeeded: 4, failed: 0 });
});

test('a runner that throws has its message answered once with that error, and takes the next', async () => {
  const { dispatcher, settled } = counted();
  dispatcher.add(new AtOnceRunner());
  const refused = dispatcher.submit(-1);
  const next = dispatcher.submit(5);
  await expect(refused).rejects.toThrow('message -1 is refused');
  expect(await next).toBe(50);
  expect(settled()).toBe(2);
  expect(dispatcher.stats()).toMatchObject({ inFlight: 0, succeeded: 1, failed: 1 });
});
