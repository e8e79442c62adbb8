/**
 * The setup the cascade plan tests share: stage actors (test/fixtures/cascade-stage.ts) that
 * answer each row from its own column, and the input those actors read.
 */
import type { Roundtable } from '../../src/runtime/roundtable.js';
import type { HostTensor } from '../../src/tensor/index.js';

const stageActor = new URL('../fixtures/cascade-stage.ts', import.meta.url);

/**
 * One stage actor per name, the k-th reading column k of each row (after the segment id) and
 * answering the logits [that value, −k−1], so a test can tell which stage answered a row.
 */
export function spawnCascadeStages(runtime: Roundtable, names: readonly string[]) {
  return Promise.all(
    names.map((name, column) =>
      runtime.spawnCustom<{ seen(): number[] }>(name, { module: stageActor, options: { column } }),
    ),
  );
}

/** The cascade's input `x`, one float32 row a segment: [segment id, value at stage 0, at stage 1, …]. */
export function cascadeInput(rows: readonly (readonly number[])[]): { x: HostTensor } {
  return {
    x: {
      dtype: 'float32',
      dims: [rows.length, rows[0]!.length],
      data: new Float32Array(rows.flat()),
    },
  };
}
