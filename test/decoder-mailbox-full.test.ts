import { describe, expect, it } from 'vitest';
import { MailboxFullError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('a decoder replica at its capacity', () => {
  it('refuses one more message with MailboxFullError and answers the ones it took', async () => {
    const runtime = await startRuntime();
    const full: number[] = [];
    runtime.events.on('mailbox:full', (event) => full.push(event.capacity));
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR, capacity: 1 });
    const a = await decoder.open([0, 0, 0, 52]);
    const b = await decoder.open([1, 2, 3]);
    // Both asked before either can be answered: the replica holds the first, refuses the second.
    const [first, second] = await Promise.allSettled([
      decoder.step(a.sequence, [5]),
      decoder.step(b.sequence, [6]),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(MailboxFullError);
    expect(full).toEqual([1]);
    // Refused, not lost: b is still at its generation and steps once there is room.
    const later = await decoder.step(b.sequence, [6]);
    expect(later.sequence.length).toBe(4);
  });
});
