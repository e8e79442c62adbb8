import { expect, it } from 'vitest';
import { runSoak, soakLine, soakPassed } from '../src/soak/soak.js';

it('a short soak under seeded random faults: every run settles once, typed, nothing lost or doubled, arena empty', async () => {
  const report = await runSoak({ durationMs: 12_000, seed: 7, callers: 4, faultEveryMs: 500 });
  console.log(soakLine(report));
  expect(report.settled).toBe(report.rounds);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
  expect(report.untyped).toBe(0);
  expect(report.arenaLeaked).toBe(0);
  expect(soakPassed(report)).toBe(true);
  // It did soak: work got through, faults were injected and workers restarted.
  expect(report.ok).toBeGreaterThan(report.rounds / 2);
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
  expect(report.restarts).toBeGreaterThanOrEqual(3);
}, 90_000);
