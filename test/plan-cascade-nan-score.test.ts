import { describe, expect, it } from 'vitest';
import { rowConfidence } from '../src/plan-runner/cascade-confidence.js';
import { cascadeDecision } from '../src/plan-runner/cascade-decision.js';
import { cascade } from '../src/plans/builders.js';
import { cascadeInput, spawnCascadeStages } from './support/cascade.js';
import { startRuntime } from './support/runtime.js';

const scorerActor = new URL('./fixtures/cascade-scorer.ts', import.meta.url);

describe('a cascade score that is not a finite number', () => {
  it('escalates the segment, at the threshold exactly it stops, and the scorer actor sees only the rows of its stage', async () => {
    const runtime = await startRuntime();
    await spawnCascadeStages(runtime, ['small', 'large']);
    const qe = await runtime.spawnCustom<{ calls(): number }>('qe', {
      module: scorerActor,
      options: { column: 3 },
    });
    // Row = [id, logit small, logit large, QE score of the small model's answer].
    const threshold = Math.fround(0.5);
    const rows = [
      [0, 1, 1, Number.NaN],
      [1, 1, 1, threshold], // exactly at the threshold: stops
      [2, 1, 1, Math.fround(0.49)],
      [3, 1, 1, Number.POSITIVE_INFINITY],
      [4, 1, 1, 0.9],
    ];
    const plan = cascade({
      name: 'qe cascade',
      models: ['small', 'large'],
      thresholds: [threshold],
      input: 'x',
      output: 'logits',
      scorer: { type: 'actor', actor: 'qe', input: 'answer', source: 'source', output: 'score' },
    });
    const { trace } = await runtime.cascade(plan, cascadeInput(rows));
    expect(trace.segments.map((s) => s.actor)).toEqual([
      'large',
      'small',
      'large',
      'large',
      'small',
    ]);
    expect(trace.segments[0]!.visits[0]!.score).toBeNaN();
    expect(trace.segments[0]!.visits[0]!.decision).toBe('escalate');
    expect(trace.segments[3]!.visits[0]!.decision).toBe('escalate');
    // The last stage is not scored, so the scorer ran once, on the first stage's rows.
    expect(await qe.ref.calls()).toBe(1);
  });

  it('is NaN when read from an answer holding NaN, +Infinity or no distribution at all', () => {
    const ninf = Number.NEGATIVE_INFINITY;
    const logits = new Float32Array([
      ...[2, 0], // fine
      ...[Number.NaN, 0],
      ...[Number.POSITIVE_INFINITY, 0],
      ...[ninf, ninf], // every class impossible
      ...[ninf, 3], // an impossible class beside a possible one is legitimate
    ]);
    const scores = rowConfidence(logits, 5, 2, 'logits', 'max-probability');
    expect(scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect([scores[1], scores[2], scores[3]]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(scores[4]).toBe(1);
    for (const score of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(cascadeDecision(score, 0)).toBe('escalate');
    expect(cascadeDecision(Number.NaN, undefined)).toBe('last');
  });
});
