/**
 * The custom actor of the soak: its `run` passes the fused distribution on, scaled by one, as a
 * post-processing step would. The soak arms faults through a word of shared memory that the next
 * run takes: 1 exits the worker, 2 throws, 3 allocates until the worker's heap limit ends it.
 */
import type { CustomActorContext } from '../engines/js/custom-actor-module.js';
import type { HostTensor } from '../tensor/index.js';

export interface SoakActorOptions {
  readonly control: SharedArrayBuffer;
}

export const SOAK_FAULT = { NONE: 0, EXIT: 1, THROW: 2, OOM: 3 } as const;

export function createActor(context: CustomActorContext<SoakActorOptions>) {
  const control = new Int32Array(context.options.control);
  return {
    run(inputs: Record<string, HostTensor>): Record<string, HostTensor> {
      switch (Atomics.exchange(control, 0, SOAK_FAULT.NONE)) {
        case SOAK_FAULT.EXIT:
          process.exit(43);
          break;
        case SOAK_FAULT.THROW:
          throw new Error('injected fault: the post-processing code threw');
        case SOAK_FAULT.OOM: {
          const kept: number[][] = [];
          for (;;) kept.push(new Array(100_000).fill(kept.length));
        }
      }
      const input = inputs.in!;
      const data = Float32Array.from(input.data as Float32Array);
      return { out: { dtype: 'float32', dims: input.dims, data } };
    },
  };
}
