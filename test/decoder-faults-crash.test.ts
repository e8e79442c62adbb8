import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { injectDecoderFault } from '../src/engines/test-hooks.js';
import { ActorCrashedError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('a decoder worker that dies mid-sequence', () => {
  it('fails its sequences with ActorCrashedError, answers every message once, and restarts for new ones', async () => {
    const runtime = await startRuntime();
    const answers: (string | undefined)[] = [];
    runtime.events.on('actor:message', (event) => answers.push(event.code));
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    const decoder = await runtime.spawnDecoder(
      'gpt2',
      withFaultInjection({
        folder: GPT2_DIR,
        restart: { backoffMs: 1 },
      }),
    );
    const opened = await decoder.open([0, 0, 0, 52]);
    injectDecoderFault(decoder, opened.sequence);
    const inFlight = decoder.step(opened.sequence, [5]);
    await expect(inFlight).rejects.toBeInstanceOf(ActorCrashedError);
    expect(decoder.state(opened.sequence)).toBe('crashed');
    // The state died with the worker: a later step is told so, it is never answered from nothing.
    await expect(decoder.step(opened.sequence, [5])).rejects.toThrow(ActorCrashedError);

    await restarted;
    const fresh = await decoder.open([0, 0, 0, 52]);
    expect(fresh.sequence.length).toBe(4);
    // open, the crashed step, the open after the restart: three messages, three answers.
    expect(answers).toEqual([undefined, 'ERR_ACTOR_CRASHED', undefined]);
  });
});
