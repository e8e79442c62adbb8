import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuTicks, othersShare } from '../src/demo/service/machine-cpu.js';

describe("the demo's reading of other processes' CPU", () => {
  it("counts the machine's busy time less ours, as a share of all cores' time", () => {
    const before = { machineBusy: 100, machineAll: 1_000, ours: 20 };
    const after = { machineBusy: 400, machineAll: 2_000, ours: 220 };
    expect(othersShare(before, after)).toBeCloseTo(0.1, 10);
  });

  it('never reads below zero, nor divides by an empty interval', () => {
    const before = { machineBusy: 100, machineAll: 1_000, ours: 20 };
    expect(othersShare(before, { machineBusy: 150, machineAll: 1_100, ours: 90 })).toBe(0);
    expect(othersShare(before, before)).toBe(0);
  });

  it.runIf(process.platform === 'linux')('reads this machine and this process on Linux', () => {
    const first = cpuTicks([])!;
    let spin = 0;
    const end = Date.now() + 30;
    while (Date.now() < end) spin++;
    const second = cpuTicks([])!;
    expect(spin).toBeGreaterThan(0);
    expect(first.machineAll).toBeGreaterThan(0);
    expect(second.machineBusy).toBeGreaterThanOrEqual(first.machineBusy);
    expect(second.machineAll).toBeGreaterThanOrEqual(second.machineBusy);
    expect(second.ours).toBeGreaterThanOrEqual(first.ours);
  });

  it.runIf(process.platform === 'linux')(
    "counts this process's exited children as ours when asked",
    () => {
      const before = cpuTicks([], true)!;
      // A child that spins for 200 ms, then exits and is waited for.
      execFileSync(process.execPath, [
        '-e',
        'const end = Date.now() + 200; while (Date.now() < end);',
      ]);
      const withChildren = cpuTicks([], true)!;
      const withoutChildren = cpuTicks([])!;
      // A clock tick is 10 ms: the child's 200 ms shows as at least 10 ticks.
      expect(withChildren.ours - before.ours).toBeGreaterThanOrEqual(10);
      expect(withChildren.ours - withoutChildren.ours).toBeGreaterThanOrEqual(10);
    },
  );

  it('reads nothing for a process that is not there', () => {
    expect(cpuTicks([2 ** 22 + 12_345])).toBeUndefined();
  });
});
