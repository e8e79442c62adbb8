import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { decode, ensemble, layers, refine } from '../src/plans/builders.js';
import { parsePlan, readPlanFile } from '../src/plans/schema.js';

describe('plan files are validated with errors that name the field', () => {
  it('the four builders make plans the schema accepts, unchanged through JSON', () => {
    const plans = [
      ensemble({
        name: 'e',
        models: ['a', 'b'],
        input: 'x',
        output: 'y',
        fusion: { strategy: 'vote' },
      }),
      refine({ name: 'r', models: ['a', 'b'], threshold: 0.9 }),
      layers({ name: 'l', layers: [['a', 'b']], aggregator: 'c', previousInputs: ['p0', 'p1'] }),
      decode({
        name: 'd',
        models: [{ actor: 'a' }],
        fusion: { strategy: 'log-linear' },
        search: { type: 'greedy' },
        context: 4,
        endToken: 1,
        maxLength: 8,
      }),
    ];
    for (const plan of plans) expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('a wrong type names its path', () => {
    const plan = JSON.parse(
      JSON.stringify(
        ensemble({
          name: 'e',
          models: ['a', 'b'],
          input: 'x',
          output: 'y',
          fusion: { strategy: 'mean' },
        }),
      ),
    );
    plan.rounds[0].steps[1].actor = 42;
    expect(() => parsePlan(plan)).toThrow(PlanError);
    expect(() => parsePlan(plan)).toThrow(/rounds\[0\]\.steps\[1\]\.actor: .*expected string/i);
  });

  it('an unknown strategy and an unknown field are both reported', () => {
    const plan = JSON.parse(
      JSON.stringify(
        ensemble({
          name: 'e',
          models: ['a'],
          input: 'x',
          output: 'y',
          fusion: { strategy: 'mean' },
        }),
      ),
    );
    plan.rounds[0].fusion.strategy = 'median';
    plan.rounds[0].colour = 'blue';
    const error = (() => {
      try {
        parsePlan(plan);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/rounds\[0\]\.fusion\.strategy/);
    expect(error?.message).toMatch(/colour/);
  });

  it('a tensor read before anything wrote it is refused', () => {
    const plan = {
      kind: 'rounds',
      name: 'p',
      inputs: ['x'],
      outputs: ['z'],
      rounds: [{ steps: [{ actor: 'a', inputs: { in: 'nope' }, outputs: { out: 'z' } }] }],
    };
    expect(() => parsePlan(plan)).toThrow(
      /rounds\[0\]\.steps\[0\]\.inputs\.in: tensor "nope" is not a plan input/,
    );
  });

  it('weights that do not match the inputs are refused', () => {
    const plan = JSON.parse(
      JSON.stringify(
        ensemble({
          name: 'e',
          models: ['a', 'b'],
          input: 'x',
          output: 'y',
          fusion: { strategy: 'mean', weights: [1, 2] },
        }),
      ),
    );
    plan.rounds[0].fusion.weights = [1];
    expect(() => parsePlan(plan)).toThrow(/rounds\[0\]\.fusion\.weights: 1 weights for 2 inputs/);
  });

  it('a file that is not JSON says so with the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-plan-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "kind": "rounds", ');
    await expect(readPlanFile(path)).rejects.toThrow(/plan file .*broken\.json is not JSON/);
  });
});
