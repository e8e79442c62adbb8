import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { RuntimeEvents } from '../src/actor/events.js';
import { RuntimeMetrics } from '../src/observability/metrics.js';
import { PendingMessages } from '../src/observability/pending-messages.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('answers counted in the metrics when they are read', () => {
  it('folds what is pending at capacity and on flush, oldest first, a run time of undefined kept', () => {
    const folded: [string, number | undefined, string | undefined][] = [];
    const pending = new PendingMessages(3, (actor, ms, code) => folded.push([actor, ms, code]));
    pending.add('a', 1.5, undefined);
    pending.add('b', undefined, 'ERR_TIMEOUT');
    expect(folded).toEqual([]);
    pending.add('a', 0, 'ERR_FEED');
    expect(folded).toEqual([
      ['a', 1.5, undefined],
      ['b', undefined, 'ERR_TIMEOUT'],
      ['a', 0, 'ERR_FEED'],
    ]);
    pending.add('c', 2, undefined);
    pending.flush();
    pending.flush();
    expect(folded.slice(3)).toEqual([['c', 2, undefined]]);
  });

  it('scrapes every answer, across more answers than are held before folding', async () => {
    const events = new EventEmitter<RuntimeEvents>();
    const metrics = new RuntimeMetrics(events, {
      actors: () => [],
      arena: () => ({ bytesInUse: 0, bytesReserved: 0 }) as never,
    });
    for (let i = 0; i < 700; i++) events.emit('actor:message', { actor: 'm', ms: 0.2 });
    events.emit('actor:message', { actor: 'm', ms: 30, code: 'ERR_ACTOR_CRASHED' });
    events.emit('actor:message', { actor: 'm', ms: undefined, code: 'ERR_TIMEOUT' });
    const text = await metrics.text();
    expect(sample(text, 'roundtable_actor_run_seconds_count{actor="m"}')).toBe(701);
    expect(sample(text, 'roundtable_actor_run_seconds_bucket{le="0.0005",actor="m"}')).toBe(700);
    expect(sample(text, 'roundtable_actor_run_seconds_bucket{le="0.05",actor="m"}')).toBe(701);
    expect(sample(text, 'roundtable_actor_messages_total{actor="m",outcome="ok"}')).toBe(700);
    expect(sample(text, 'roundtable_actor_errors_total{actor="m",code="ERR_TIMEOUT"}')).toBe(1);
    expect(
      sample(text, 'roundtable_actor_messages_total{actor="m",outcome="ERR_ACTOR_CRASHED"}'),
    ).toBe(1);
    // Read again with nothing new: the same values, nothing counted twice.
    const again = await metrics.text();
    expect(sample(again, 'roundtable_actor_run_seconds_count{actor="m"}')).toBe(701);
    expect(sample(again, 'roundtable_actor_messages_total{actor="m",outcome="ok"}')).toBe(700);
  });

  it('scrapes every settled and failed round, across more rounds than are held, per plan', async () => {
    const events = new EventEmitter<RuntimeEvents>();
    const metrics = new RuntimeMetrics(events, {
      actors: () => [],
      arena: () => ({ bytesInUse: 0, bytesReserved: 0 }) as never,
    });
    for (let i = 0; i < 600; i++)
      events.emit('round:settled', { plan: 'p', run: i, round: 0, ms: 0.3, missing: [] });
    events.emit('round:failed', { plan: 'p', run: 600, round: 1, ms: 40, code: 'ERR_ROUND' });
    events.emit('round:settled', { plan: 'q', run: 0, round: 0, ms: 2, missing: [] });
    const text = await metrics.text();
    expect(sample(text, 'roundtable_plan_rounds_total{plan="p",outcome="settled"}')).toBe(600);
    expect(sample(text, 'roundtable_plan_rounds_total{plan="p",outcome="ERR_ROUND"}')).toBe(1);
    expect(sample(text, 'roundtable_plan_rounds_total{plan="q",outcome="settled"}')).toBe(1);
    expect(sample(text, 'roundtable_plan_round_seconds_count{plan="p"}')).toBe(601);
    expect(sample(text, 'roundtable_plan_round_seconds_bucket{le="0.0005",plan="p"}')).toBe(600);
    expect(sample(text, 'roundtable_plan_round_seconds_bucket{le="0.05",plan="p"}')).toBe(601);
    expect(sample(text, 'roundtable_plan_round_seconds_count{plan="q"}')).toBe(1);
    const again = await metrics.text();
    expect(sample(again, 'roundtable_plan_rounds_total{plan="p",outcome="settled"}')).toBe(600);
    expect(sample(again, 'roundtable_plan_round_seconds_count{plan="p"}')).toBe(601);
  });
});
