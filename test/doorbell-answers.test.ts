import { describe, expect, it } from 'vitest';
import {
  ANSWER,
  createDoorbell,
  type DoorbellViews,
  doorbellViews,
  slotOf,
  WORD,
  writeResponse,
} from '../src/engines/onnx/doorbell/doorbell.js';
import { DoorbellAnswers } from '../src/engines/onnx/doorbell/doorbell-answers.js';

const NAMES = ['out'];

/** What the worker does when it answers run `job`: in its slot's area, on the port, or skipped. */
function answer(
  bell: DoorbellViews,
  job: number,
  how: 'area' | 'port' | 'skipped',
  slab = 0,
): void {
  const slot = slotOf(job);
  if (how === 'area') {
    const out = { slab, offset: 64, byteLength: 4, gen: 1, dtype: 'float32' as const, dims: [1] };
    const ok = writeResponse(bell.response[slot]!, NAMES, {
      id: 100 + job,
      outputs: { out },
      stats: { copiedIn: 4, copiedOut: 4, runMs: 0.1, totalMs: 0.2 },
      held: [],
    });
    expect(ok).toBe(true);
  }
  const code = { area: ANSWER.AREA, port: ANSWER.PORT, skipped: ANSWER.SKIPPED }[how];
  Atomics.store(bell.words, WORD.ANSWER + slot, code);
  Atomics.store(bell.words, WORD.DONE, job);
}

describe("a doorbell's answers on the runtime's side", () => {
  it('are taken in run order, each once; answers on the port are only counted', () => {
    const bell = doorbellViews(createDoorbell());
    const answers = new DoorbellAnswers(bell, NAMES, () => true);
    const got: number[] = [];
    answer(bell, 1, 'area');
    answer(bell, 2, 'port');
    answers.take((result) => got.push(result.id));
    answer(bell, 3, 'area');
    answers.take((result) => got.push(result.id));
    answers.take((result) => got.push(result.id));
    expect(got).toEqual([101, 103]);
    expect(answers.answered).toBe(3);
  });

  it('hand each run the worker skipped to `skipped`, in order with the others, each once', () => {
    const bell = doorbellViews(createDoorbell());
    const answers = new DoorbellAnswers(bell, NAMES, () => true);
    const got: string[] = [];
    const receive = (result: { id: number }) => got.push(`result ${result.id}`);
    const skipped = (job: number) => got.push(`skipped ${job}`);
    answer(bell, 1, 'skipped');
    answer(bell, 2, 'area');
    answer(bell, 3, 'skipped');
    answers.take(receive, skipped);
    answers.take(receive, skipped);
    expect(got).toEqual(['skipped 1', 'result 102', 'skipped 3']);
    expect(answers.answered).toBe(3);
  });

  it('wait, in order, while an answer points into a slab not attached yet, and go on once it is', () => {
    const bell = doorbellViews(createDoorbell());
    const attached = new Set([0]);
    const answers = new DoorbellAnswers(bell, NAMES, (slab) => attached.has(slab));
    const got: number[] = [];
    answer(bell, 1, 'area', 7); // its slab's announcement is still on the port
    answer(bell, 2, 'area', 0);
    answers.take((result) => got.push(result.id));
    expect(got).toEqual([]);
    expect(answers.answered).toBe(0);
    attached.add(7);
    answers.take((result) => got.push(result.id));
    expect(got).toEqual([101, 102]);
  });

  it('count an answer as taken before handing it on, so what that calls sees its slot free', () => {
    const bell = doorbellViews(createDoorbell());
    const answers = new DoorbellAnswers(bell, NAMES, () => true);
    answer(bell, 1, 'area');
    const seen: number[] = [];
    answers.take(() => seen.push(answers.answered));
    expect(seen).toEqual([1]);
  });
});
