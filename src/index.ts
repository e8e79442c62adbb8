/**
 * roundtable: ONNX models collaborating as actors on worker threads, exchanging tensors through
 * shared memory. This file is the runtime's public surface: what a service needs to start a
 * runtime, spawn actors, run plans and handle their errors. Nothing here exists for tests (they
 * import internals by path; test/public-surface.test.ts holds the allow-list). The translation
 * layer is `roundtable/mt` (src/mt/index.ts), the built-in models `roundtable/models`.
 *
 * One group per area, each under its comment: add a new export to its group.
 */
// biome-ignore-all assist/source/organizeImports: grouped by area, so that additions merge apart.

// The runtime
export type { RuntimeEvents } from './actor/events.js';
export type { ActorStopped, PlanResult, RoundtableOptions } from './runtime/roundtable.js';
export { Roundtable } from './runtime/roundtable.js';

// Plans, and what running one returns
export { decode, ensemble, layers, refine } from './plans/builders.js';
export type {
  ActorSpec,
  DecodePlan,
  Fusion,
  FusionInputKind,
  FusionStrategy,
  LocalModelSpec,
  NatsActorSpec,
  OipModelSpec,
  Plan,
  Round,
  RoundsPlan,
  Step,
  StopCondition,
} from './plans/plan.js';
export { parsePlan, readPlanFile } from './plans/schema.js';
export type { DecodeResult } from './plan-runner/run-decode.js';
export type { RunOptions } from './plan-runner/run-rounds.js';
export type { FusionTrace, RoundTrace, StepTrace, Trace } from './plan-runner/trace.js';
export { speculative } from './plans/builders.js';
export type { SpeculativePlan } from './plans/plan.js';
export { cascade } from './plans/builders.js';
export type { CascadePlan, CascadeScorer, CascadeStage } from './plans/plan.js';
export type { CascadeTrace } from './plan-runner/cascade-trace.js';
export type { CascadeThresholds } from './learn/cascade-thresholds-file.js';
export {
  applyCascadeThresholds,
  loadCascadeThresholds,
  saveCascadeThresholds,
} from './learn/cascade-thresholds-file.js';

// Actors: ONNX models and custom JavaScript actors
export type { CallOptions } from './actor/call-options.js';
export type { MailboxOptions, OverflowPolicy } from './actor/mailbox.js';
export type { IoMetadata, RunStats } from './actor/protocol.js';
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
export { ModelActor } from './engines/onnx/model-actor.js';
export type { WarmUpOptions, WarmUpReport } from './actor/warm-up.js';
export type { SessionOptions } from './engines/onnx/model-worker-data.js';

// Supervision and health
export type { HealthReport } from './observability/health.js';
export type { Strategy } from './actor/supervision/strategy.js';
export type { ActorHealth, ActorState } from './actor/supervision/supervisable.js';
export type { SupervisorOptions } from './actor/supervision/supervisor.js';
export { Supervisor } from './actor/supervision/supervisor.js';

// Errors: every class has a stable `code`
export {
  AbortError,
  ActorCrashedError,
  ActorError,
  ActorStoppedError,
  ArenaFullError,
  BatchingError,
  DecoderBudgetError,
  DescriptorError,
  FeedError,
  FusionError,
  InferenceError,
  KernelLoadError,
  MailboxFullError,
  ModelFolderError,
  ModelLoadError,
  PayloadTooLargeError,
  PlanError,
  RemoteError,
  RemoteUnavailableError,
  RoundError,
  RoundtableError,
  SequenceClosedError,
  SequenceEvictedError,
  StaleSequenceError,
  TimeoutError,
  TokenizerError,
  VocabularyMismatchError,
  WireError,
} from './errors.js';
export { SpeculativeOptionError } from './errors.js';
export { ArgumentError } from './errors.js';
export { ArenaClosedError } from './errors.js';

// Decoders: model folders as published, sequences with their key/value cache, generation
export type {
  DecoderOptions,
  DecoderStep,
  SequenceHandle,
  StepOptions,
} from './engines/decoder/decoder-types.js';
export { DecoderActor } from './engines/decoder/decoder-actor.js';
export type {
  DecoderFolder,
  FolderLayout,
  SearchDefaults,
} from './engines/decoder/model-folder.js';
export { readModelFolder } from './engines/decoder/model-folder.js';
export type { GeneratedSequence, GenerateOptions } from './plan-runner/generate.js';
export { Tokenizer } from './tokenizer/index.js';
export type { StepPositions } from './engines/decoder/decoder-protocol.js';
export type {
  SpeculativeOptions,
  SpeculativeResult,
  SpeculativeTrace,
} from './plan-runner/speculative.js';

// Remote actors, and serving models to other processes and machines (the Open Inference
// Protocol over HTTP, NATS)
export type { RemoteModelOptions } from './engines/remote/oip/remote-model.js';
export { RemoteModel } from './engines/remote/oip/remote-model.js';
export type { HostedActors, HostedModel, HostedSource } from './serve/hosted-actors.js';
export { loadHostedActors } from './serve/hosted-actors.js';
export type { OipHttpServer, OipHttpServerOptions } from './serve/http/oip-http-server.js';
export { startOipHttpServer } from './serve/http/oip-http-server.js';
export { NatsActor, type NatsActorOptions } from './engines/remote/nats/nats-actor.js';
export { NatsActorServer, type NatsServeOptions } from './serve/nats/nats-actor-server.js';
export type { NatsHostedActor } from './serve/nats/nats-hosted-actor.js';

// Tensors and the arena
export type {
  ArenaOptions,
  ArenaStats,
  DType,
  HostTensor,
  TensorDescriptor,
} from './tensor/index.js';
export { Arena, DTYPES } from './tensor/index.js';
