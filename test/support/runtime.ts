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

export { seededFloats } from './seeded-floats.js';
