import type { CallOptions } from '../../actor/call-options.js';
import type { IoMetadata } from '../../actor/protocol.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import type { StepActor } from '../../supervisor/step-actor.js';
import type { HostTensor, TensorDescriptor } from '../../tensor/index.js';

/** What a NATS server needs of an actor it hosts: its metadata, and a run on host tensors. */
export interface NatsHostedActor {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  run(feeds: Record<string, HostTensor>, options: CallOptions): Promise<Record<string, HostTensor>>;
}

/**
 * A runtime's actor as a hosted one: feeds written into the arena, the actor run, its outputs
 * copied out and every block released, whatever happens.
 */
export function hostRuntimeActor(runtime: Roundtable, actor: StepActor): NatsHostedActor {
  if (!actor.inputs || !actor.outputs) {
    throw new TypeError(`actor "${actor.name}" has no input/output metadata to serve`);
  }
  return {
    name: actor.name,
    inputs: actor.inputs,
    outputs: actor.outputs,
    async run(feeds, options) {
      const arena = runtime.arena;
      const shared: Record<string, TensorDescriptor> = {};
      try {
        for (const [name, feed] of Object.entries(feeds))
          shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
        const result = await actor.runShared(shared, options);
        const outputs: Record<string, HostTensor> = {};
        try {
          for (const [name, d] of Object.entries(result.outputs))
            outputs[name] = arena.readTensor(d) as HostTensor;
        } finally {
          for (const d of Object.values(result.outputs)) arena.release(d);
        }
        return outputs;
      } finally {
        for (const d of Object.values(shared)) arena.release(d);
      }
    },
  };
}
