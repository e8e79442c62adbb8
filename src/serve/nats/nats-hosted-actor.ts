import type { CallOptions } from '../../actor/call-options.js';
import type { IoMetadata } from '../../actor/protocol.js';
import type { HostTensor } from '../../tensor/index.js';

/**
 * What a NATS server needs of an actor it hosts: its metadata, and a run on host tensors. The
 * hosted models of `loadHostedActors` (src/serve/hosted-actors.ts) are such actors.
 */
export interface NatsHostedActor {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  run(feeds: Record<string, HostTensor>, options: CallOptions): Promise<Record<string, HostTensor>>;
}
