export type {
  ActorOf,
  CustomActorOptions,
  CustomActorRef,
  CustomResult,
  MethodName,
  UntypedActor,
} from './custom-actor.js';
export { CustomActor } from './custom-actor.js';
export type {
  CustomActorContext,
  CustomActorFactory,
  CustomActorSignature,
  RunnableActor,
} from './custom-actor-module.js';
