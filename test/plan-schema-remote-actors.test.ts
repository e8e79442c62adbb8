import { describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { ensemble } from '../src/plans/builders.js';
import { parsePlan } from '../src/plans/schema.js';

const plan = ensemble({
  name: 'pair',
  models: ['a', 'b'],
  input: 'features',
  output: 'logits',
  fusion: { strategy: 'mean' },
});

describe('a plan file naming a remote model', () => {
  it('accepts an "oip" entry beside a local model, and refuses a malformed one by its path', () => {
    const actors = {
      a: { model: 'c1.onnx' },
      b: { oip: { url: 'http://10.0.0.7:8000', model: 'clf', version: '2', timeout: 500 } },
    };
    expect(parsePlan({ ...plan, actors }).actors).toEqual(actors);

    expect(() =>
      parsePlan({ ...plan, actors: { ...actors, b: { oip: { url: 'ftp://x', model: 'clf' } } } }),
    ).toThrow(/actors\.b/);
    expect(() =>
      parsePlan({
        ...plan,
        actors: { ...actors, b: { model: 'c2.onnx', oip: { url: 'http://x:1', model: 'clf' } } },
      }),
    ).toThrow(PlanError);
  });
});
