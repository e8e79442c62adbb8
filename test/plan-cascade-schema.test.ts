import { describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { cascade } from '../src/plans/builders.js';
import { parsePlan } from '../src/plans/schema.js';

const plan = cascade({
  name: 'cheap first',
  models: ['small', 'medium', 'large'],
  thresholds: [0.9, 0.8],
  costs: [1, 3, 9],
  input: 'features',
  output: 'logits',
  scorer: { type: 'actor', actor: 'qe', input: 'answer', output: 'score', source: 'features' },
});

function problemsOf(value: unknown): string {
  try {
    parsePlan(value, 'cascade.json');
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).code).toBe('ERR_PLAN');
    return (error as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('a cascade plan as JSON', () => {
  it('round-trips: the builder’s plan written as JSON and read back is the same plan', () => {
    expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('is refused with a PlanError naming the field when a stage threshold is missing, misplaced or a cost is bad', () => {
    const stages = plan.stages;
    expect(problemsOf({ ...plan, stages: [{ actor: 'small' }, stages[1], stages[2]] })).toMatch(
      /stages\[0\]\.threshold: stage "small" is not the last/,
    );
    expect(
      problemsOf({ ...plan, stages: [stages[0], stages[1], { ...stages[2], threshold: 1 }] }),
    ).toMatch(/stages\[2\]\.threshold: stage "large" is the last/);
    expect(
      problemsOf({ ...plan, stages: [{ ...stages[0], cost: -1 }, stages[1], stages[2]] }),
    ).toMatch(/stages\[0\]\.cost/);
    expect(problemsOf({ ...plan, stages: [] })).toMatch(/stages/);
    expect(problemsOf({ ...plan, scorer: { type: 'actor', actor: 'qe' } })).toMatch(
      /scorer\.input/,
    );
    expect(problemsOf({ ...plan, scorer: { type: 'entropy' } })).toMatch(/scorer\.type/);
  });

  it('is refused by the builder when thresholds and models do not match', () => {
    expect(() =>
      cascade({
        name: 'x',
        models: ['a', 'b'],
        thresholds: [],
        input: 'i',
        output: 'o',
        scorer: { type: 'max-probability' },
      }),
    ).toThrow(/0 thresholds for 2 models, expected 1/);
  });
});
