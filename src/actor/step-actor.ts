import type { TensorDescriptor } from '../tensor/index.js';
import type { CallOptions } from './call-options.js';
import type { IoMetadata } from './protocol.js';

/** What a plan step needs of an actor: model actors and custom actors both are. */
export interface StepActor {
  readonly name: string;
  readonly inputs?: readonly IoMetadata[];
  readonly outputs?: readonly IoMetadata[];
  runShared(
    feeds: Record<string, TensorDescriptor>,
    options?: CallOptions,
  ): Promise<{ readonly outputs: Record<string, TensorDescriptor> }>;
}
