import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes } from '../src/util/progress.js';

/** A fake stream and clock: the bar's output depends only on what we feed it. */
function harness(isTTY: boolean) {
  let output = '';
  let now = 0;
  const stream = { isTTY, columns: 60, write: (text: string) => (output += text) };
  return {
    stream,
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    output: () => output,
  };
}

describe('progress bar: drawn in place on a terminal, occasional lines elsewhere', () => {
  it('on a terminal redraws at most every interval and ends the line', () => {
    const h = harness(true);
    const bar = createProgress({
      total: 200,
      label: 'importing',
      stream: h.stream,
      now: h.clock,
      interval: 100,
    });
    bar.update(50);
    h.advance(10);
    bar.tick(10); // too soon: not drawn
    h.advance(100);
    bar.tick(40);
    bar.done();
    bar.done();
    const frames = h.output().split('\r').filter(Boolean);
    expect(frames).toHaveLength(3); // first update, the tick after 110 ms, done
    expect(frames[0]).toMatch(/^importing \[#{6}-{18}\] {2}25% 50\/200 /);
    expect(frames[1]).toMatch(/^importing \[#{12}-{12}\] {2}50% 100\/200 /);
    expect(frames[2]!.endsWith('\x1b[K\n')).toBe(true);
    // Never wider than the terminal.
    for (const frame of frames)
      expect(frame.replace('\x1b[K', '').replace('\n', '').length).toBeLessThan(60);
  });

  it('off a terminal prints nothing for a short job and a plain line per interval for a long one', () => {
    const quick = harness(false);
    const a = createProgress({ total: 10, label: 'quick', stream: quick.stream, now: quick.clock });
    a.update(5);
    a.update(10);
    a.done();
    expect(quick.output()).toBe('');

    const slow = harness(false);
    const b = createProgress({
      total: 1000,
      label: 'slow',
      stream: slow.stream,
      now: slow.clock,
      lineInterval: 1000,
    });
    for (let i = 1; i <= 10; i++) {
      slow.advance(400);
      b.update(i * 100);
    }
    b.done();
    const lines = slow.output().split('\n').filter(Boolean);
    expect(lines).toEqual([
      expect.stringMatching(/^slow {2}30% 300\/1000 /),
      expect.stringMatching(/^slow {2}60% 600\/1000 /),
      expect.stringMatching(/^slow {2}90% 900\/1000 /),
    ]);
    expect(slow.output()).not.toContain('\r');
  });

  it('without a total shows the count and the rate, in the given units', () => {
    const h = harness(true);
    const bar = createProgress({
      label: 'reading',
      stream: h.stream,
      now: h.clock,
      format: formatBytes,
    });
    h.advance(2000);
    bar.update(3 * 1024 * 1024);
    expect(h.output()).toBe('\rreading 3.0 MiB 1.5 MiB/s\x1b[K');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
