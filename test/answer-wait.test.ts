import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  AnswerTimes,
  awaitAnswer,
  POLL_LIMIT_US,
} from '../src/engines/onnx/doorbell/answer-wait.js';

const later = (ms: number, action: () => void) => setTimeout(action, ms);
const answer = (words: Int32Array, notify = true) => {
  Atomics.store(words, 0, 1);
  if (notify) Atomics.notify(words, 0);
};

describe('waiting for a doorbell answer on the calling thread', () => {
  it('parks in Atomics.waitAsync when it may not poll, and wakes on the notify', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    later(5, () => answer(words));
    await awaitAnswer(words, 0, () => Atomics.load(words, 0) === 1, performance.now());
    expect(Atomics.load(words, 0)).toBe(1);
  });

  it('polls without blocking the event loop: a timer runs meanwhile and its store ends the wait without a notify', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    later(5, () => answer(words, false));
    await awaitAnswer(words, 0, () => Atomics.load(words, 0) === 1, performance.now() + 10_000);
    expect(Atomics.load(words, 0)).toBe(1);
  });

  it('ends when the condition turns true for another reason (a dead worker), once notified', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    let dead = false;
    later(5, () => {
      dead = true;
      Atomics.notify(words, 0);
    });
    await awaitAnswer(words, 0, () => dead, performance.now());
    expect(Atomics.load(words, 0)).toBe(0);
  });

  it('with as many answers awaited as cores it parks them all; when one comes, the others poll again', async () => {
    // Each wait may poll for 10 s, but with `cores` of them awaited none does, so the later
    // answers (stores without a notify) are seen only if the first answer nudges the others.
    const cores = availableParallelism();
    const words = Array.from({ length: cores }, () => new Int32Array(new SharedArrayBuffer(4)));
    const waits = words.map((w) =>
      awaitAnswer(w, 0, () => Atomics.load(w, 0) === 1, performance.now() + 10_000),
    );
    later(5, () => {
      for (const w of words.slice(1)) answer(w, false);
      answer(words[0]!);
    });
    await Promise.all(waits);
    expect(words.every((w) => Atomics.load(w, 0) === 1)).toBe(true);
  });
});

describe('the poll budget of a doorbell', () => {
  it('is none before any answer and for answers slower than POLL_LIMIT_US', () => {
    const times = new AnswerTimes();
    expect(times.pollUntil(100)).toBe(100);
    times.record(POLL_LIMIT_US + 1);
    expect(times.pollUntil(100)).toBe(100);
  });

  it('is twice the recent mean plus 20 µs, at most POLL_LIMIT_US, and follows a change in a few runs', () => {
    const times = new AnswerTimes();
    times.record(50);
    expect(times.pollUntil(100)).toBeCloseTo(100 + 120 / 1000, 9);
    times.record(300); // the mean moves a quarter of the way: 112.5 µs
    expect(times.pollUntil(0)).toBeCloseTo(245 / 1000, 9);
    for (let i = 0; i < 10; i++) times.record(300);
    expect(times.pollUntil(0)).toBeCloseTo(POLL_LIMIT_US / 1000, 9);
    for (let i = 0; i < 20; i++) times.record(2_000);
    expect(times.pollUntil(0)).toBe(0);
  });

  it('is none at all when the runtime does not poll (the default), however fast the answers', () => {
    const times = new AnswerTimes(false);
    for (let i = 0; i < 10; i++) times.record(20);
    expect(times.pollUntil(100)).toBe(100);
  });
});
