// What goes wrong, and what the caller gets: typed errors with a stable code.
// Run: npx tsx examples/errors.ts
import { FeedError, ModelLoadError, Roundtable, TimeoutError } from 'roundtable';
import { classifier } from 'roundtable/models';

const runtime = await Roundtable.create();
try {
  try {
    await runtime.spawnModel('broken', { model: new Uint8Array([1, 2, 3]) });
  } catch (error) {
    if (error instanceof ModelLoadError) console.log(error.code, '—', error.message.slice(0, 90));
  }
  const actor = await runtime.spawnModel('clf', {
    model: classifier({ seed: 1 }).bytes,
    mailbox: { capacity: 16, overflow: 'reject' },
  });
  try {
    await actor.run({ features: { dtype: 'float32', dims: [1, 63], data: new Float32Array(63) } });
  } catch (error) {
    if (error instanceof FeedError) console.log(error.code, '—', error.message);
  }
  try {
    const big = new Float32Array(20_000 * 64);
    await actor.run(
      { features: { dtype: 'float32', dims: [20_000, 64], data: big } },
      { timeout: 1 },
    );
  } catch (error) {
    if (error instanceof TimeoutError) console.log(error.code, '—', error.message);
  }
} finally {
  await runtime.close();
}
