// A custom actor: plain TypeScript that runs on its own worker thread. As a plan step it gets its
// inputs as zero-copy views of the arena and returns tensors that the runtime writes back there.
import type { CustomActorContext, HostTensor } from 'roundtable';

/** Scores a row of class probabilities by its margin: top probability minus the runner-up. */
export function createActor(context: CustomActorContext) {
  let scored = 0;
  return {
    run(inputs: Record<string, HostTensor>): Record<string, HostTensor> {
      const probs = inputs.candidate!;
      const [rows, classes] = probs.dims as [number, number];
      const data = probs.data as Float32Array;
      const margin = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(data.subarray(r * classes, (r + 1) * classes)).sort((a, b) => b - a);
        margin[r] = row[0]! - (row[1] ?? 0);
      }
      scored += rows;
      return { score: { dtype: 'float32', dims: [rows], data: margin } };
    },
    /** An ordinary method, called through the typed reference. */
    stats(): { actor: string; scored: number } {
      return { actor: context.name, scored };
    },
  };
}
