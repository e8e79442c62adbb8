/**
 * The conversation between a caller and the processes that serve actors over NATS, in one file:
 * the subjects, the headers, and the JSON bodies that are not tensors.
 *
 * Per served actor `a` under prefix `p`:
 * - `p.a.run`    request/reply, queue group `p.a`: tensors in (tensor-codec.ts), tensors out. The
 *                caller's reply subject gets first an `accepted` message (naming the server's
 *                instance, so the caller can watch that instance while it waits), then exactly one
 *                `result` or `error`.
 * - `p.a.meta`   request/reply, queue group `p.a`: the actor's input and output metadata (the
 *                ready handshake a caller makes when it adds the actor).
 * - `p.a.cancel` publish, no queue group (every server hears it): the call's reply subject in the
 *                `Roundtable-Call` header; the server holding that call abandons it.
 *
 * Discovery and stats follow the NATS services protocol (`$SRV.PING|INFO|STATS[.name[.id]]`, the
 * `io.nats.micro.v1` response shapes); the caller pings `$SRV.PING.<service>.<instance>` to learn
 * whether the server that accepted a call is still there.
 */
import type { IoMetadata } from '../../../actor/protocol.js';
import type { SerializedError } from '../../../errors.js';

export const DEFAULT_PREFIX = 'roundtable';
/** The services-protocol name every roundtable server registers under. */
export const DEFAULT_SERVICE = 'roundtable';

export const Header = {
  /** On a cancel: the reply subject of the call to abandon (unique per caller and call). */
  call: 'Roundtable-Call',
  /** Epoch milliseconds after which nobody waits for the answer; the server drops the work. */
  deadline: 'Roundtable-Deadline',
  /** On replies: 'accepted', 'result' or 'error'. */
  status: 'Roundtable-Status',
  /** On 'accepted': the services-protocol id of the server instance that took the call. */
  instance: 'Roundtable-Instance',
} as const;

export type ReplyStatus = 'accepted' | 'result' | 'error';

export interface ActorSubjects {
  readonly run: string;
  readonly meta: string;
  readonly cancel: string;
  readonly queue: string;
}

/** A subject token: no dots, wildcards or white space. */
const TOKEN = /^[^.*>\s]+$/;

/** Whether `actor` can be one subject token (no '.', '*', '>' or spaces). */
export function isSubjectToken(actor: string): boolean {
  return TOKEN.test(actor);
}

/** Whether `prefix` is dot-separated subject tokens. */
export function isSubjectPrefix(prefix: string): boolean {
  return prefix !== '' && prefix.split('.').every((token) => TOKEN.test(token));
}

export function actorSubjects(prefix: string, actor: string): ActorSubjects {
  // The actors' doors (nats-options.ts) check both with an ArgumentError first; this is the last word.
  if (!isSubjectToken(actor)) {
    throw new TypeError(
      `actor "${actor}" cannot be a NATS subject token (no '.', '*', '>' or spaces)`,
    );
  }
  if (!isSubjectPrefix(prefix)) {
    throw new TypeError(`NATS subject prefix "${prefix}" is not dot-separated plain tokens`);
  }
  const base = `${prefix}.${actor}`;
  return { run: `${base}.run`, meta: `${base}.meta`, cancel: `${base}.cancel`, queue: base };
}

/** Body of a `meta` reply. */
export interface MetaReply {
  readonly actor: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly service: string;
  readonly instance: string;
}

/** Body of an `error` reply. */
export type ErrorReply = SerializedError;

export function pingSubject(service: string, instance: string): string {
  return `$SRV.PING.${service}.${instance}`;
}
