import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { classifier } from '../src/models/index.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const faulty = new URL('./fixtures/faulty-actor.ts', import.meta.url);

/** The value of one series in a Prometheus text exposition, or undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  it('exposes per-actor queue, run time, restarts and errors by code, and per-plan rounds, in a registry per runtime', async () => {
    const runtime = await startRuntime();
    const model = classifier({ seed: 1, inputSize: 16, hidden: 16, classes: 4 });
    const m = await runtime.spawnModel(
      'm',
      withFaultInjection({
        model: model.bytes,
        restart: { backoffMs: 1 },
      }),
    );
    await runtime.spawnCustom('flaky', { module: faulty, options: { throwOn: [2] } });
    const plan: RoundsPlan = {
      kind: 'rounds',
      name: 'p',
      inputs: ['in'],
      outputs: ['out'],
      rounds: [{ steps: [{ actor: 'flaky', inputs: { in: 'in' }, outputs: { out: 'out' } }] }],
    };
    const feeds = { in: { dtype: 'float32' as const, dims: [2], data: new Float32Array([1, 2]) } };
    await runtime.run(plan, feeds);
    await expect(runtime.run(plan, feeds)).rejects.toThrow('call 2 was told to throw');
    const features = {
      features: { dtype: 'float32' as const, dims: [1, 16], data: seededFloats(1, 16) },
    };
    for (let i = 0; i < 3; i++) await m.run(features);
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    replicasOf(m)[0]!.injectFault('exit');
    await expect(m.run(features)).rejects.toThrow('died (exit code 70)');
    await restarted;

    const text = await runtime.metrics();
    expect(runtime.metricsContentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE roundtable_actor_run_seconds histogram');
    expect(sample(text, 'roundtable_actor_run_seconds_count{actor="m"}')).toBe(4);
    expect(sample(text, 'roundtable_actor_messages_total{actor="m",outcome="ok"}')).toBe(3);
    expect(sample(text, 'roundtable_actor_errors_total{actor="m",code="ERR_ACTOR_CRASHED"}')).toBe(
      1,
    );
    expect(sample(text, 'roundtable_actor_errors_total{actor="flaky",code="ERR_ACTOR"}')).toBe(1);
    expect(sample(text, 'roundtable_actor_restarts_total{actor="m"}')).toBe(1);
    expect(sample(text, 'roundtable_actor_unexpected_exits_total{actor="m"}')).toBe(1);
    expect(sample(text, 'roundtable_actor_queue_length{actor="m"}')).toBe(0);
    expect(sample(text, 'roundtable_actor_replicas_alive{actor="m"}')).toBe(1);
    expect(sample(text, 'roundtable_actor_up{actor="fusion",state="running"}')).toBe(1);
    expect(sample(text, 'roundtable_plan_rounds_total{plan="p",outcome="settled"}')).toBe(1);
    expect(sample(text, 'roundtable_plan_rounds_total{plan="p",outcome="ERR_ROUND"}')).toBe(1);
    expect(sample(text, 'roundtable_plan_round_seconds_count{plan="p"}')).toBe(2);
    expect(sample(text, 'roundtable_arena_bytes_in_use')).toBe(0);

    // A second runtime has a registry of its own: nothing of the first leaks into it.
    const other = await startRuntime();
    const fresh = await other.metrics();
    expect(fresh).not.toContain('actor="m"');
    expect(sample(fresh, 'roundtable_actor_up{actor="fusion",state="running"}')).toBe(1);
    expect(await runtime.metrics()).toContain('actor="m"');
  });
});
