import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { injectDecoderFault } from '../src/engines/test-hooks.js';
import { ActorCrashedError, ActorStoppedError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('a decoder past its restart budget', () => {
  it('stops once, for good: its workers end, its stop is announced with the reason, later calls are refused', async () => {
    const runtime = await startRuntime();
    const stopped = new Promise<{ actor: string; reason: { code: string } | undefined }>(
      (resolve) => runtime.events.on('actor:stopped', (event) => resolve(event)),
    );
    const exits: boolean[] = [];
    runtime.events.on('actor:exited', (event) => exits.push(event.expected));
    const decoder = await runtime.spawnDecoder(
      'gpt2',
      withFaultInjection({ folder: GPT2_DIR, replicas: 2, restart: { maxRestarts: 0 } }),
    );
    const a = await decoder.open([0, 0, 0, 52]);
    const b = await decoder.open([9, 8, 7]);
    injectDecoderFault(decoder, a.sequence);
    await expect(decoder.step(a.sequence, [5])).rejects.toBeInstanceOf(ActorCrashedError);

    const event = await stopped;
    expect(event.actor).toBe('gpt2');
    expect(event.reason?.code).toBe('ERR_ACTOR_STOPPED');
    // The other replica was ended on purpose, not left running.
    await expect.poll(() => exits.length).toBe(2);
    expect(exits.sort()).toEqual([false, true]);
    expect(decoder.health()).toMatchObject({ state: 'stopped', replicas: 2, alive: 0 });
    await expect(decoder.step(b.sequence, [5])).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(decoder.open([1, 2])).rejects.toBeInstanceOf(ActorStoppedError);
  });
});
