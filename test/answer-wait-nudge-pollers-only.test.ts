import { describe, expect, it } from 'vitest';
import { awaitAnswer } from '../src/engines/onnx/doorbell/answer-wait.js';

const turns = (n: number) =>
  new Promise<void>((resolve) => {
    const next = (left: number) => (left === 0 ? resolve() : setTimeout(() => next(left - 1), 1));
    next(n);
  });

describe('an answer that comes while other waits are parked', () => {
  it('does not wake a parked wait that may not poll: it would only park again', async () => {
    const idle = new Int32Array(new SharedArrayBuffer(4));
    const other = new Int32Array(new SharedArrayBuffer(4));
    let checks = 0;
    const parked = awaitAnswer(
      idle,
      0,
      () => {
        checks++;
        return Atomics.load(idle, 0) === 1;
      },
      performance.now(), // no poll budget: the default, pollForAnswers off
    );
    await turns(2);
    const checksWhenParked = checks;

    Atomics.store(other, 0, 1);
    const answered = awaitAnswer(other, 0, () => Atomics.load(other, 0) === 1, performance.now());
    Atomics.notify(other, 0);
    await answered;
    await turns(5);
    expect(checks).toBe(checksWhenParked);

    Atomics.store(idle, 0, 1);
    Atomics.notify(idle, 0);
    await parked;
    expect(checks).toBeGreaterThan(checksWhenParked);
  });
});
