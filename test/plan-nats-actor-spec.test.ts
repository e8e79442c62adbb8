import { describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { ensemble } from '../src/plans/builders.js';
import { parsePlan } from '../src/plans/schema.js';
import { spawnPlanActors } from '../src/runtime/plan-actors.js';
import { startRuntime } from './support/runtime.js';

const base = ensemble({
  name: 'spec',
  models: ['a'],
  input: 'x',
  output: 'y',
  fusion: { strategy: 'mean' },
});

describe('a plan file actor served over NATS', () => {
  it('is read from JSON as { "nats": { … } }', () => {
    const plan = parsePlan({
      ...base,
      actors: { a: { nats: { actor: 'remote-a', prefix: 'team.models', timeout: 500 } } },
    });
    expect(plan.actors?.a).toEqual({
      nats: { actor: 'remote-a', prefix: 'team.models', timeout: 500 },
    });
  });

  it('is refused when it mixes a model path with NATS, or names unknown fields', () => {
    expect(() => parsePlan({ ...base, actors: { a: { model: 'a.onnx', nats: {} } } })).toThrow(
      PlanError,
    );
    expect(() => parsePlan({ ...base, actors: { a: { nats: { url: 'nats://x' } } } })).toThrow(
      PlanError,
    );
  });

  it('cannot be started without a NATS connection: a PlanError says to give --nats', async () => {
    const runtime = await startRuntime();
    const plan = parsePlan({ ...base, actors: { a: { nats: {} } } });
    await expect(spawnPlanActors(runtime, plan, '.')).rejects.toThrow(
      /actor "a" of plan "spec" is served over NATS: run with --nats <url>/,
    );
  });
});
