/**
 * Worker side of a plan step on a custom actor: descriptors in, the user's `run` over zero-copy
 * views, its results into the arena, descriptors out.
 */
import { performance } from 'node:perf_hooks';
import type { Holdings } from '../../actor/holdings.js';
import { enterGuard, leaveGuard } from '../../actor/worker-guard.js';
import { ActorStoppedError } from '../../errors.js';
import type { Arena, HostTensor, TensorDescriptor } from '../../tensor/index.js';
import type { SharedRunReply } from './custom-protocol.js';

/** How a worker keeps the blocks it hands over safe from its own death (see holdings.ts). */
export interface Journal {
  /** The worker's guard (worker-guard.ts): held while outputs are written and journaled. */
  readonly guard: Int32Array;
  readonly holdings: Holdings;
}

/** The tensor a descriptor points at: a view over shared memory, or a decoded copy for strings. */
export function viewOf(arena: Arena, descriptor: TensorDescriptor): HostTensor {
  if (descriptor.dtype === 'string') return arena.readTensor(descriptor);
  return { dtype: descriptor.dtype, dims: descriptor.dims, data: arena.view(descriptor) };
}

export async function runShared(
  actorName: string,
  arena: Arena,
  actor: Record<string, unknown>,
  feeds: Record<string, TensorDescriptor>,
  journal: Journal,
): Promise<SharedRunReply> {
  const start = performance.now();
  const run = actor.run;
  if (typeof run !== 'function') {
    throw new TypeError(`actor "${actorName}" has no run(inputs) method, so it cannot run a step`);
  }
  const inputs: Record<string, HostTensor> = {};
  for (const name in feeds) inputs[name] = viewOf(arena, feeds[name]!);
  const runStart = performance.now();
  const returned: unknown = await run.call(actor, inputs);
  const runMs = performance.now() - runStart;
  if (typeof returned !== 'object' || returned === null) {
    throw new TypeError(
      `actor "${actorName}": run() must return an object of tensors by output name, got ${returned === null ? 'null' : typeof returned}`,
    );
  }
  // Every output belongs to the caller once returned, the ones run() wrote itself included; if one
  // output is bad, none is returned and all are freed here. Writing and journaling the outputs is
  // one guarded section: the runtime does not end this worker between the two.
  const outputs: Record<string, TensorDescriptor> = {};
  let copiedOut = 0;
  if (!enterGuard(journal.guard)) {
    throw new ActorStoppedError(`actor "${actorName}": its worker is being stopped`);
  }
  try {
    for (const [name, value] of Object.entries(returned)) {
      if (isDescriptor(value)) {
        // The checked copy travels on: fields changed after the check reach nobody.
        const checked = arena.check(value);
        journal.holdings.hold(checked);
        outputs[name] = checked;
        continue;
      }
      if (!isHostTensor(value)) {
        throw new TypeError(
          `actor "${actorName}": run() returned output "${name}" that is neither a tensor ` +
            `({ dtype, dims, data }) nor a descriptor`,
        );
      }
      const descriptor = arena.writeTensor(value.dtype, value.dims, value.data as never);
      journal.holdings.hold(descriptor);
      outputs[name] = descriptor;
      copiedOut += descriptor.byteLength;
    }
  } catch (error) {
    for (const value of Object.values(returned)) {
      if (isDescriptor(value)) releaseQuietly(arena, value);
    }
    for (const name in outputs) {
      journal.holdings.forget(outputs[name]!);
      releaseQuietly(arena, outputs[name]!);
    }
    throw error;
  } finally {
    leaveGuard(journal.guard);
  }
  return {
    outputs,
    stats: { copiedIn: 0, copiedOut, runMs, totalMs: performance.now() - start },
    held: journal.holdings.handOff(Object.values(outputs)),
  };
}

/** Frees a block that may already be free (a bad descriptor, or one listed twice). */
function releaseQuietly(arena: Arena, descriptor: TensorDescriptor): void {
  try {
    arena.release(descriptor);
  } catch {}
}

function isDescriptor(value: unknown): value is TensorDescriptor {
  return (
    typeof value === 'object' &&
    value !== null &&
    'slab' in value &&
    'offset' in value &&
    'gen' in value
  );
}

function isHostTensor(value: unknown): value is HostTensor {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'data' in value;
}
