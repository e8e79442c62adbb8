import { afterEach } from 'vitest';
import { Roundtable, type RoundtableOptions } from '../../src/runtime/roundtable.js';

const open: Roundtable[] = [];

/** A runtime closed after the test, whatever happens in it. */
export async function startRuntime(options: RoundtableOptions = {}): Promise<Roundtable> {
  const runtime = await Roundtable.create(options);
  open.push(runtime);
  return runtime;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close(0)));
});

/** Seeded, reproducible float32 data. */
export function seededFloats(seed: number, length: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}
