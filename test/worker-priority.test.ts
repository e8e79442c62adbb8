import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sizedModel } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { startRuntime } from './support/runtime.js';

/** The nice value of every thread of this process, from /proc/self/task/<tid>/stat (field 19). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name, in parentheses, may hold spaces: count fields after its closing one.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [Number(fields[16])];
    } catch {
      return []; // a thread that ended while we listed them
    }
  });
}

const model = sizedModel({ seed: 2, width: 16, layers: 1 });

describe.runIf(process.platform === 'linux')('worker thread priority', () => {
  it('runs the fusion worker and model workers workerNice levels below the process, the caller unchanged', async () => {
    const base = getPriority();
    const lowered = Math.min(19, base + 7);
    const before = threadNices().filter((nice) => nice === lowered).length;
    const runtime = await startRuntime({ workerNice: 7 });
    const withFusion = threadNices().filter((nice) => nice === lowered).length;
    expect(withFusion).toBeGreaterThan(before);
    await runtime.spawnModel('a', { model: model.bytes, replicas: 2 });
    // Two more threads at least: each replica's worker (ONNX Runtime's threads, if any, inherit it).
    expect(threadNices().filter((nice) => nice === lowered).length).toBeGreaterThanOrEqual(
      withFusion + 2,
    );
    expect(getPriority()).toBe(base);
  });

  it('leaves every thread at the process priority with workerNice 0', async () => {
    const base = getPriority();
    // Threads of an earlier test may still be ending: compare counts, not the whole list.
    const count = (match: (nice: number) => boolean) => threadNices().filter(match).length;
    const [atBase, elsewhere] = [count((n) => n === base), count((n) => n !== base)];
    const runtime = await startRuntime({ workerNice: 0 });
    await runtime.spawnModel('a', { model: model.bytes });
    expect(count((n) => n === base)).toBeGreaterThanOrEqual(atBase + 2);
    expect(count((n) => n !== base)).toBeLessThanOrEqual(elsewhere);
  });
});

describe('the workerNice option', () => {
  for (const bad of [-1, 20, 1.5, Number.NaN]) {
    it(`refuses ${bad} with an ArgumentError before starting anything`, async () => {
      await expect(Roundtable.create({ workerNice: bad })).rejects.toThrow(
        /workerNice must be an integer from 0 to 19/,
      );
    });
  }
});
