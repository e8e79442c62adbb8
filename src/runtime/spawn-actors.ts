/**
 * Spawning and adding actors: each name is claimed at the door (open runtime, a fresh name), the
 * options checked there, and the actor kept only if close() did not begin while it started.
 */

import { DecoderActor } from '../engines/decoder/decoder-actor.js';
import type { DecoderOptions } from '../engines/decoder/decoder-types.js';
import { CustomActor, type CustomActorOptions, type UntypedActor } from '../engines/js/index.js';
import { ModelActor, type ModelActorOptions } from '../engines/onnx/model-actor.js';
import { NatsActor, type NatsActorOptions } from '../engines/remote/nats/nats-actor.js';
import { RemoteModel, type RemoteModelOptions } from '../engines/remote/oip/remote-model.js';
import { ActorStoppedError } from '../errors.js';
import {
  checkCustomOptions,
  checkDecoderOptions,
  checkModelOptions,
  checkNatsOptions,
  checkRemoteOptions,
} from './check-options.js';
import type { OwnedActor, RuntimeState } from './runtime-state.js';

export async function spawnModel(
  state: RuntimeState,
  name: string,
  options: ModelActorOptions,
): Promise<ModelActor> {
  state.claim(name, 'Roundtable.spawnModel');
  options = checkModelOptions(`Roundtable.spawnModel("${name}")`, options);
  const actor = await ModelActor.spawn(name, state.context, options);
  return state.own(name, actor);
}

export async function spawnDecoder(
  state: RuntimeState,
  name: string,
  options: DecoderOptions,
): Promise<DecoderActor> {
  state.claim(name, 'Roundtable.spawnDecoder');
  options = checkDecoderOptions(`Roundtable.spawnDecoder("${name}")`, options);
  const decoder = await DecoderActor.spawn(name, state.context, options);
  if (state.closing) {
    void decoder.close();
    throw new ActorStoppedError(`the runtime is closing: decoder "${name}" was not kept`);
  }
  state.decoders.set(name, decoder);
  return decoder;
}

export async function spawnCustom<T extends object = UntypedActor>(
  state: RuntimeState,
  name: string,
  options: CustomActorOptions,
): Promise<CustomActor<T>> {
  state.claim(name, 'Roundtable.spawnCustom');
  options = checkCustomOptions(`Roundtable.spawnCustom("${name}")`, options);
  const actor = await CustomActor.spawn<T>(name, state.context, options);
  return state.own(name, actor);
}

export async function addRemoteModel(
  state: RuntimeState,
  name: string,
  options: RemoteModelOptions,
): Promise<RemoteModel> {
  state.claim(name, 'Roundtable.addRemoteModel');
  options = checkRemoteOptions(`Roundtable.addRemoteModel("${name}")`, options);
  const actor = await RemoteModel.connect(name, state.context, options);
  return state.own(name, actor);
}

export async function addNatsActor(
  state: RuntimeState,
  name: string,
  options: NatsActorOptions,
): Promise<NatsActor> {
  state.claim(name, 'Roundtable.addNatsActor');
  options = checkNatsOptions(`Roundtable.addNatsActor("${name}")`, options);
  const actor = await NatsActor.connect(
    name,
    state.arena,
    options,
    state.events,
    state.context.admission,
  );
  return state.own(name, actor);
}

export function register<A extends OwnedActor>(state: RuntimeState, actor: A): A {
  state.claim(actor.name, 'Roundtable.register');
  state.actors.set(actor.name, actor);
  return actor;
}
