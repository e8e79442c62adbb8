import { describe, expect, it } from 'vitest';
import { replicasOf } from '../src/engines/test-hooks.js';
import { AbortError, ActorStoppedError, MailboxFullError, TimeoutError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const slow = sizedModel({ seed: 3, width: 512, layers: 8 });
const feed = (rows = 1) => ({
  input: { dtype: 'float32' as const, dims: [rows, 512], data: seededFloats(2, rows * 512) },
});

describe('every accepted message is answered exactly once', () => {
  it('a worker killed mid-run answers the message in flight with ActorCrashedError, restarts, and serves the rest', async () => {
    const runtime = await startRuntime();
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    const actor = await runtime.spawnModel('slow', {
      model: slow.bytes,
      restart: { backoffMs: 1 },
    });
    const answers: string[] = [];
    const calls = Array.from({ length: 5 }, (_, i) =>
      actor.run(feed()).then(
        () => answers.push(`${i}:ok`),
        (error: Error) => answers.push(`${i}:${error.name}`),
      ),
    );
    await replicasOf(actor)[0]!.kill();
    await Promise.all(calls);
    await restarted;
    expect(answers).toHaveLength(5);
    expect(answers.filter((a) => a.endsWith('ActorCrashedError'))).toEqual(['0:ActorCrashedError']);
    expect(answers.filter((a) => a.endsWith(':ok'))).toHaveLength(4);
    expect(actor.stats().restarts).toBe(1);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a timeout answers with TimeoutError, and the late result is freed', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('slow', { model: slow.bytes });
    await actor.run(feed()); // warm up
    const calls = [actor.run(feed(64)), actor.run(feed(64), { timeout: 1 })];
    await expect(calls[1]).rejects.toThrow(TimeoutError);
    await expect(calls[0]).resolves.toBeDefined();
    await actor.run(feed());
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('an abort cancels a queued message and abandons a running one', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('slow', { model: slow.bytes });
    const controller = new AbortController();
    const running = actor.run(feed(64), { signal: controller.signal });
    // On the replica behind the running one (its doorbell's second slot): abandoned like it.
    const behind = actor.run(feed(64), { signal: controller.signal });
    const queued = actor.run(feed(64), { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toThrow(AbortError);
    await expect(behind).rejects.toThrow(/aborted \(running; its outputs will be freed\)/);
    await expect(queued).rejects.toThrow(/aborted \(queued\)/);
    await actor.run(feed());
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a full mailbox rejects with a typed error giving capacity and how many wait', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('slow', { model: slow.bytes, mailbox: { capacity: 2 } });
    const full = new Promise((resolve) => runtime.events.once('mailbox:full', resolve));
    // One runs, one waits on the replica behind it, two fill the mailbox.
    const calls = [1, 2, 3, 4].map(() => actor.run(feed(16)));
    const rejected = actor.run(feed(16));
    await expect(rejected).rejects.toThrow(MailboxFullError);
    await expect(rejected).rejects.toThrow(
      'mailbox of actor "slow" is full (capacity 2, 2 waiting)',
    );
    await full;
    await Promise.all(calls);
  });

  it('with the wait policy a sender waits for room instead', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('slow', {
      model: slow.bytes,
      mailbox: { capacity: 1, overflow: 'wait' },
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => actor.run(feed(4))));
    expect(results).toHaveLength(6);
    expect(actor.stats().runs).toBe(6);
  });

  it('after close, calls are refused with ActorStoppedError and reported as dead letters', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('slow', { model: slow.bytes });
    const dead = new Promise<{ actor: string }>((resolve) =>
      runtime.events.once('dead-letter', resolve),
    );
    await actor.close();
    await expect(actor.run(feed())).rejects.toThrow(ActorStoppedError);
    expect((await dead).actor).toBe('slow');
  });
});
