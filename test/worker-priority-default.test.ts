import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sizedModel } from '../src/models/index.js';
import { startRuntime } from './support/runtime.js';

/** The nice value of every thread of this process, from /proc/self/task/<tid>/stat (field 19). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [Number(fields[16])];
    } catch {
      return []; // a thread that ended while we listed them
    }
  });
}

describe.runIf(process.platform === 'linux')('worker thread priority by default', () => {
  it('runs the fusion and model workers 5 nice levels below the process, the caller unchanged', async () => {
    const base = getPriority();
    const lowered = Math.min(19, base + 5);
    const count = () => threadNices().filter((nice) => nice === lowered).length;
    const before = count();
    const runtime = await startRuntime();
    await runtime.spawnModel('a', { model: sizedModel({ seed: 2, width: 16, layers: 1 }).bytes });
    // The fusion actor's worker and the model's replica, at least.
    expect(count()).toBeGreaterThanOrEqual(before + 2);
    expect(getPriority()).toBe(base);
  });
});
