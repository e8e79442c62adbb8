/**
 * roundtable: ONNX models collaborating as actors on worker threads, exchanging tensors through
 * shared memory. This file is the whole public surface.
 */

export type { CallOptions } from './actor/call-options.js';
export type { MailboxOptions, OverflowPolicy } from './actor/mailbox.js';
export type { IoMetadata, ModelFault, RunStats } from './actor/protocol.js';
export type { RestartOptions } from './actor/restart-budget.js';
export type {
  ActorOf,
  CustomActorContext,
  CustomActorOptions,
  CustomActorRef,
  CustomActorSignature,
  RunnableActor,
} from './engines/js/index.js';
export { CustomActor } from './engines/js/index.js';
export type {
  ModelActorOptions,
  ModelActorStats,
  ModelResult,
} from './engines/onnx/model-actor.js';
// Actors
export { ModelActor } from './engines/onnx/model-actor.js';
export type { SessionOptions } from './engines/onnx/model-worker-data.js';
// Errors
export {
  AbortError,
  ActorCrashedError,
  ActorError,
  ActorStoppedError,
  ArenaFullError,
  BatchingError,
  DescriptorError,
  FeedError,
  FusionError,
  InferenceError,
  MailboxFullError,
  ModelLoadError,
  PayloadTooLargeError,
  PlanError,
  RemoteUnavailableError,
  RoundError,
  RoundtableError,
  TimeoutError,
  WireError,
} from './errors.js';
export type { HealthReport } from './observability/health.js';
// Plans
export { decode, ensemble, layers, refine } from './plans/builders.js';
export type {
  ActorSpec,
  DecodePlan,
  Fusion,
  FusionInputKind,
  FusionStrategy,
  Plan,
  Round,
  RoundsPlan,
  Step,
  StopCondition,
} from './plans/plan.js';
export { parsePlan, readPlanFile } from './plans/schema.js';
// Remote actors and serving over NATS
export { NatsActor, type NatsActorOptions } from './remote/nats/nats-actor.js';
export type { ActorContext } from './runtime/context.js';
export type { RuntimeEvents } from './runtime/events.js';
export type { ActorStopped, PlanResult, RoundtableOptions } from './runtime/roundtable.js';
// The runtime
export { Roundtable } from './runtime/roundtable.js';
export {
  type HostedActors,
  type HostedModel,
  type HostedSource,
  loadHostedActors,
} from './serve/hosted-actors.js';
export { NatsActorServer, type NatsServeOptions } from './serve/nats/nats-actor-server.js';
export type { NatsHostedActor } from './serve/nats/nats-hosted-actor.js';
export type { Strategy } from './supervision/strategy.js';
export type { ActorHealth, ActorState } from './supervision/supervisable.js';
export type { SupervisorOptions } from './supervision/supervisor.js';
// Supervision and observability
export { Supervisor } from './supervision/supervisor.js';
export type { DecodeResult } from './supervisor/run-decode.js';
export type { RunOptions } from './supervisor/run-rounds.js';
export type { FusionTrace, RoundTrace, StepTrace, Trace } from './supervisor/trace.js';
export type {
  ArenaOptions,
  ArenaStats,
  DType,
  HostTensor,
  TensorDescriptor,
} from './tensor/index.js';
// Tensors and the arena
export { Arena, DTYPES } from './tensor/index.js';
