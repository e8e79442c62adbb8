import type { IoMetadata } from '../../actor/protocol.js';
import { BatchingError } from '../../errors.js';
import type { TensorDescriptor } from '../../tensor/index.js';
import type { BatchPolicy } from './dispatcher.js';

/** Dynamic batching of a model actor (see ModelActorOptions.batching). */
export interface BatchingOptions {
  /** Most requests stacked into one run. */
  readonly maxBatch: number;
  /** Longest the oldest queued request waits for the batch to fill, in milliseconds. */
  readonly maxDelayMs: number;
}

type Feeds = Record<string, TensorDescriptor>;

/**
 * The dispatcher's batch policy for a model, or a BatchingError if the model cannot be batched:
 * every input must be a numeric tensor whose first dimension is free (symbolic or -1), since the
 * worker stacks requests along it and splits every output back along it.
 */
export function batchPolicy(
  actor: string,
  inputs: readonly IoMetadata[],
  options: BatchingOptions,
): BatchPolicy<Feeds> {
  const { maxBatch, maxDelayMs } = options;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new RangeError(
      `actor "${actor}": batching.maxBatch must be a positive integer, got ${maxBatch}`,
    );
  }
  if (!(maxDelayMs >= 0) || !Number.isFinite(maxDelayMs)) {
    throw new RangeError(
      `actor "${actor}": batching.maxDelayMs must be a finite number ≥ 0, got ${maxDelayMs}`,
    );
  }
  for (const input of inputs) {
    const first = input.shape?.[0];
    const free = typeof first === 'string' || (typeof first === 'number' && first < 0);
    if (!free || input.dtype === undefined || input.dtype === 'string') {
      throw new BatchingError(
        `actor "${actor}": cannot batch: input "${input.name}" (${input.dtype ?? 'non-tensor'} [${(input.shape ?? []).join(', ')}]) needs a numeric dtype and a free first dimension`,
      );
    }
  }
  return { maxBatch, maxDelayMs, key: batchKey };
}

/** Requests stack when every input has the same dtype and the same dims past the first. */
function batchKey(feeds: Feeds): string {
  let key = '';
  for (const name of Object.keys(feeds).sort()) {
    const feed = feeds[name]!;
    key += `${name}:${feed.dtype}:${feed.dims.slice(1).join('x')};`;
  }
  return key;
}
