import { FeedError } from '../../errors.js';
import type { Arena, HostTensor, TensorDescriptor } from '../../tensor/index.js';

/**
 * The steps of one `ModelActor.run` of host tensors: its feeds written into the arena when a
 * replica takes the message (a message that waits in the mailbox holds host tensors, not arena
 * memory), its outputs read back into host tensors, and every block it used released, whatever
 * the outcome. `run` chains them on the dispatcher's promise rather than awaiting it in an async
 * function, whose promise, suspended frame and await reactions were the largest allocation of an
 * ask on the caller's thread (docs/architecture.md).
 */

type Feeds = Record<string, TensorDescriptor>;

/** Writes the feeds into the arena, each block into `shared` as it is made. */
export function writeFeeds(
  actor: string,
  arena: Arena,
  feeds: Record<string, HostTensor>,
  shared: Feeds,
): Feeds {
  for (const name in feeds) {
    const feed = feeds[name]!;
    try {
      shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
    } catch (error) {
      if (!(error instanceof FeedError)) throw error;
      throw new FeedError(`actor "${actor}": input "${name}": ${error.message}`);
    }
  }
  return shared;
}

/**
 * Reads each output and releases it on one check of its descriptor; every one is released even
 * if another cannot be read.
 */
export function readOutputs(arena: Arena, outputs: Feeds): Record<string, HostTensor> {
  const read: Record<string, HostTensor> = {};
  let unreadable: unknown;
  for (const name in outputs) {
    try {
      read[name] = arena.readAndRelease(outputs[name]!);
    } catch (error) {
      unreadable ??= error;
    }
  }
  if (unreadable !== undefined) throw unreadable;
  return read;
}

/** Releases the feeds' blocks written so far. */
export function releaseFeeds(arena: Arena, shared: Feeds): void {
  for (const name in shared) arena.release(shared[name]!);
}
