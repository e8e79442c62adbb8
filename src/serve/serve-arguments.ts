/**
 * The servers' public entries checked at the door (`startOipHttpServer`, `NatsActorServer.start`,
 * `loadHostedActors`): a wrong runtime, hosted set, actor or option is an ArgumentError naming it,
 * read once into the copy that is used, before anything listens or subscribes; an address the
 * system will not listen on is an ArgumentError naming the host or the port.
 */

import {
  field,
  list,
  name,
  optionalInteger,
  optionalString,
  optionsCopy,
  refuse,
} from '../actor/arguments.js';
import type { IoMetadata } from '../actor/protocol.js';
import { ArgumentError } from '../errors.js';
import { Roundtable } from '../runtime/roundtable.js';
import type { HostedActors, HostedSource } from './hosted-actors.js';
import type { OipHttpServerOptions } from './http/oip-http-server.js';
import type { NatsServeOptions } from './nats/nats-actor-server.js';
import type { NatsHostedActor } from './nats/nats-hosted-actor.js';

/** A NATS subject token: no dots, wildcards or white space (src/engines/remote/nats/nats-protocol.ts). */
const TOKEN = /^[^.*>\s]+$/;

export function checkRuntime(where: string, value: unknown): Roundtable {
  if (!(value instanceof Roundtable)) refuse(where, 'runtime', 'a Roundtable', value);
  return value;
}

export function checkHosted(where: string, value: unknown): HostedActors {
  const copy = optionsCopy(where, 'hosted', value ?? null, ['models']);
  if (!(copy.models instanceof Map))
    refuse(where, 'hosted.models', 'a Map of hosted models (loadHostedActors)', copy.models);
  return { models: copy.models };
}

export function checkHttpServerOptions(where: string, value: unknown): OipHttpServerOptions {
  const copy = optionsCopy(where, 'options', value, ['port', 'host', 'maxBodyBytes']);
  optionalInteger(where, 'options.port', copy.port, 0, 65_535);
  if (copy.host !== undefined) name(where, 'options.host', copy.host);
  optionalInteger(where, 'options.maxBodyBytes', copy.maxBodyBytes, 1);
  return copy as OipHttpServerOptions;
}

export function checkHostedSource(where: string, value: unknown): HostedSource {
  const copy = optionsCopy(where, 'source', value ?? null, ['models', 'plan']);
  optionalString(where, 'source.models', copy.models);
  optionalString(where, 'source.plan', copy.plan);
  if (!copy.models && !copy.plan)
    refuse(where, 'source', 'a folder of models ({ models }) or a plan file ({ plan })', value);
  return copy as HostedSource;
}

export function checkNatsConnection<T>(where: string, value: T): T {
  const subscribe =
    typeof value === 'object' && value !== null
      ? field(where, 'nc', value, 'subscribe')
      : undefined;
  if (typeof subscribe !== 'function') refuse(where, 'nc', 'a NATS connection', value);
  return value;
}

/** The hosted actors, each read once into a plain copy whose name is a subject token. */
export function checkNatsActors(where: string, value: unknown): NatsHostedActor[] {
  const actors = list(where, 'actors', value, 'an array of hosted actors', (actor, at) => {
    const copy = optionsCopy(where, at, actor ?? null, ['name', 'inputs', 'outputs', 'run']);
    const actorName = name(where, `${at}.name`, copy.name);
    if (!TOKEN.test(actorName))
      refuse(where, `${at}.name`, "a NATS subject token (no '.', '*', '>' or spaces)", actorName);
    const inputs = ioList(where, `${at}.inputs`, copy.inputs);
    const outputs = ioList(where, `${at}.outputs`, copy.outputs);
    const run = copy.run;
    if (typeof run !== 'function') refuse(where, `${at}.run`, 'a function', run);
    return {
      name: actorName,
      inputs,
      outputs,
      // Called on the object it came from, as the caller's own method would be.
      run: (feeds, options) => run.call(actor, feeds, options),
    } satisfies NatsHostedActor;
  });
  const names = new Set<string>();
  for (const [i, actor] of actors.entries()) {
    if (names.has(actor.name))
      refuse(where, `actors[${i}].name`, 'a name no other hosted actor has', actor.name);
    names.add(actor.name);
  }
  return actors;
}

/** An actor's input or output metadata, read once into plain copies (they are sent as JSON). */
function ioList(where: string, argument: string, value: unknown): IoMetadata[] {
  return list(where, argument, value, 'an array of { name, dtype, shape }', (entry, at) => {
    const copy = optionsCopy(where, at, entry ?? null, ['name', 'dtype', 'shape']);
    const dtype = copy.dtype === undefined ? undefined : name(where, `${at}.dtype`, copy.dtype);
    const shape =
      copy.shape === undefined
        ? undefined
        : list(where, `${at}.shape`, copy.shape, 'an array of dimensions', (dim, d) => {
            if (typeof dim === 'string' || (Number.isSafeInteger(dim) && (dim as number) >= -1))
              return dim as number | string;
            return refuse(where, d, 'an integer ≥ -1 or a symbolic name', dim);
          });
    return { name: name(where, `${at}.name`, copy.name), dtype, shape };
  });
}

export function checkNatsServeOptions(where: string, value: unknown): NatsServeOptions {
  const copy = optionsCopy(where, 'options', value, ['prefix', 'service', 'version']);
  if (copy.prefix !== undefined) {
    const prefix = name(where, 'options.prefix', copy.prefix);
    if (prefix.split('.').some((token) => !TOKEN.test(token)))
      refuse(where, 'options.prefix', 'dot-separated NATS subject tokens', prefix);
  }
  if (copy.service !== undefined && !/^[-\w]+$/.test(name(where, 'options.service', copy.service)))
    refuse(where, 'options.service', "letters, digits, '-' or '_'", copy.service);
  if (copy.version !== undefined) name(where, 'options.version', copy.version);
  return copy as NatsServeOptions;
}

/** A listen that failed: the address the caller chose is refused (in use, not allowed, unknown). */
export function listenError(
  where: string,
  host: string,
  port: number,
  error: unknown,
): ArgumentError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const argument = code === 'EADDRINUSE' || code === 'EACCES' ? 'options.port' : 'options.host';
  const reason = error instanceof Error ? error.message : String(error);
  // The system's error is kept as the cause: the command line tells a refused address from a
  // value it should not have passed (src/cli/commands/serve.ts).
  return new ArgumentError(`${where}: cannot listen on ${host} port ${port}: ${reason}`, argument, {
    cause: error,
  });
}
