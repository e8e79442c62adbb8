import { expect, it } from 'vitest';
import { GcPauses } from '../bench/gc-pauses.js';

it("counts the caller's garbage collections that started within a window, and none outside it", async () => {
  const gc = new GcPauses();
  const quietFrom = performance.now();
  const quietTo = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const from = performance.now();
  // Tens of megabytes of short-lived objects, each stored so that none can be optimized away: the
  // young generation fills several times over.
  const sink: { i: number }[] = new Array(1024);
  for (let i = 0; i < 2_000_000; i++) sink[i & 1023] = { i };
  const to = performance.now();
  await gc.stop();
  expect(sink[(2_000_000 - 1) & 1023]!.i).toBe(2_000_000 - 1);
  const busy = gc.between(from, to);
  expect(busy.pausesMs.length).toBeGreaterThan(0);
  expect(busy.pausedMs).toBeCloseTo(
    busy.pausesMs.reduce((a, b) => a + b, 0),
    9,
  );
  expect(busy.longestMs).toBe(Math.max(...busy.pausesMs));
  expect(gc.between(quietFrom, quietTo).pausesMs).toEqual([]);
});
