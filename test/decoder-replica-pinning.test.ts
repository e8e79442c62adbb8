import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { injectDecoderFault } from '../src/engines/test-hooks.js';
import { ActorCrashedError } from '../src/errors.js';
import { GPT2_DIR, loadGpt2, nextLogprobs } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('sequences pinned to decoder replicas', () => {
  it('lose their state only with their own replica; the others go on', async () => {
    const session = await loadGpt2();
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder(
      'gpt2',
      withFaultInjection({
        folder: GPT2_DIR,
        replicas: 2,
      }),
    );
    // A new sequence goes to the replica holding the fewest: one each.
    const a = await decoder.open([0, 0, 0, 52]);
    const b = await decoder.open([9, 8, 7]);
    injectDecoderFault(decoder, a.sequence);
    await expect(decoder.step(a.sequence, [5])).rejects.toBeInstanceOf(ActorCrashedError);
    expect(decoder.state(b.sequence)).toBe('open');
    const next = await decoder.step(b.sequence, [5]);
    const want = await nextLogprobs(session, [9, 8, 7, 5]);
    let worst = 0;
    for (let v = 0; v < want.length; v++) {
      worst = Math.max(worst, Math.abs(next.logprobs![v]! - want[v]!));
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
