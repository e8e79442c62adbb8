import {
  createInbox,
  headers,
  type Msg,
  type NatsConnection,
  TimeoutError as NatsTimeoutError,
  NoRespondersError,
  RequestError,
  type Subscription,
} from '@nats-io/transport-node';
import type { EventEmitter } from 'eventemitter3';
import type { Admission } from '../../../actor/admission.js';
import * as args from '../../../actor/arguments.js';
import type { CallOptions } from '../../../actor/call-options.js';
import type { RuntimeEvents } from '../../../actor/events.js';
import { validateFeeds } from '../../../actor/feed-validation.js';
import type { IoMetadata } from '../../../actor/protocol.js';
import type { StepActor } from '../../../actor/step-actor.js';
import type { ActorHealth } from '../../../actor/supervision/supervisable.js';
import {
  AbortError,
  ActorCrashedError,
  ActorStoppedError,
  PayloadTooLargeError,
  RemoteUnavailableError,
  type RoundtableError,
  reviveError,
  TimeoutError,
  WireError,
} from '../../../errors.js';
import type { Arena, HostTensor, TensorDescriptor } from '../../../tensor/index.js';
import { decodeTensors, encodeTensors } from '../wire/tensor-codec.js';
import {
  type ActorSubjects,
  actorSubjects,
  DEFAULT_PREFIX,
  Header,
  type MetaReply,
  pingSubject,
} from './nats-protocol.js';

export interface NatsActorOptions {
  readonly connection: NatsConnection;
  /** The actor's name on the servers; default the local name. */
  readonly actor?: string;
  /** Subject prefix the servers use; default 'roundtable'. */
  readonly prefix?: string;
  /** Milliseconds a call may take when the caller gives no timeout; default 30 000. */
  readonly timeout?: number;
  /** Milliseconds between checks that the servers holding calls are still there; default 250. */
  readonly livenessMs?: number;
  /** Milliseconds the ready handshake (metadata) may take; default 5 000. */
  readonly readyTimeout?: number;
}

interface PendingCall {
  readonly reply: string;
  readonly started: number;
  /** The server instance that accepted the call, once it has. */
  instance: string | undefined;
  readonly settle: (
    error: RoundtableError | undefined,
    outputs?: Record<string, HostTensor>,
  ) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LIVENESS_MS = 250;

/**
 * An actor served by other processes over NATS, usable as a plan step like a local one.
 *
 * Each call is a request on the actor's run subject with a reply subject of its own under this
 * actor's inbox; the server that takes it answers `accepted` (naming its instance), then one
 * result or error. Every call is answered exactly once, by the first of:
 * - the server's answer (tensors decoded and checked, then written into the arena);
 * - NATS "no responders" (no server in the actor's queue group): RemoteUnavailableError;
 * - the timeout or the caller's AbortSignal: TimeoutError / AbortError, and a cancel is published
 *   so the server drops the work;
 * - the server that accepted it vanishing: while calls are in flight, the instances holding them
 *   are pinged on their services-protocol subject every `livenessMs`; "no responders" there means
 *   the process is gone (its subscriptions died with its connection): ActorCrashedError;
 * - this process losing its NATS connection: RemoteUnavailableError (the reply may never come).
 */
export class NatsActor implements StepActor {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #arena: Arena;
  readonly #events: EventEmitter<RuntimeEvents> | undefined;
  readonly #admission: Admission | undefined;
  readonly #nc: NatsConnection;
  readonly #subjects: ActorSubjects;
  readonly #service: string;
  readonly #timeout: number;
  readonly #livenessMs: number;
  readonly #inbox: string;
  readonly #replies: Subscription;
  readonly #pending = new Map<string, PendingCall>();
  #calls = 0;
  #connected = true;
  /** The last call found no server ("no responders"); cleared when a server accepts a call. */
  #unserved = false;
  #closed = false;
  #liveness: ReturnType<typeof setInterval> | undefined;
  #probing = false;

  private constructor(
    name: string,
    arena: Arena,
    events: EventEmitter<RuntimeEvents> | undefined,
    options: NatsActorOptions,
    subjects: ActorSubjects,
    meta: MetaReply,
    admission: Admission | undefined,
  ) {
    this.name = name;
    this.#admission = admission;
    this.inputs = meta.inputs;
    this.outputs = meta.outputs;
    this.#arena = arena;
    this.#events = events;
    this.#nc = options.connection;
    this.#subjects = subjects;
    this.#service = meta.service;
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.#livenessMs = options.livenessMs ?? DEFAULT_LIVENESS_MS;
    this.#inbox = createInbox();
    this.#replies = this.#nc.subscribe(`${this.#inbox}.*`, {
      callback: (error, msg) => {
        if (!error) this.#onReply(msg);
      },
    });
    void this.#watchConnection();
  }

  /**
   * Adds a remote actor: asks one of its servers for its metadata (the ready handshake), so feeds
   * are validated here before they are sent. Rejects with RemoteUnavailableError if no server
   * serves it, TimeoutError if none answers in `readyTimeout`.
   */
  static async connect(
    name: string,
    arena: Arena,
    options: NatsActorOptions,
    events?: EventEmitter<RuntimeEvents>,
    admission?: Admission,
  ): Promise<NatsActor> {
    const remote = options.actor ?? name;
    const subjects = actorSubjects(options.prefix ?? DEFAULT_PREFIX, remote);
    const readyTimeout = options.readyTimeout ?? 5_000;
    let msg: Msg;
    try {
      msg = await options.connection.request(subjects.meta, undefined, { timeout: readyTimeout });
    } catch (error) {
      throw transportError(error, name, remote, subjects.meta, readyTimeout);
    }
    const meta = msg.json<MetaReply>();
    if (!Array.isArray(meta?.inputs) || !Array.isArray(meta.outputs) || !meta.service) {
      throw new WireError(`actor "${name}": the metadata reply on ${subjects.meta} is malformed`);
    }
    const actor = new NatsActor(name, arena, events, options, subjects, meta, admission);
    // The reply subscription must be live at the NATS server before the first request.
    await options.connection.flush();
    return actor;
  }

  runShared(
    feeds: Record<string, TensorDescriptor>,
    options: CallOptions = {},
  ): Promise<{ readonly outputs: Record<string, TensorDescriptor> }> {
    const refused = this.#admission?.refusal(this.name, 'runShared()');
    if (refused) return Promise.reject(refused);
    let host: Record<string, HostTensor>;
    try {
      feeds = args.record(`actor "${this.name}": runShared()`, 'feeds', feeds) as typeof feeds;
      // Views of the arena, not copies: the encoding is the one copy on the way out.
      host = Object.fromEntries(
        Object.entries(feeds).map(([name, d]) => [
          name,
          (d.dtype === 'string'
            ? this.#arena.readTensor(d)
            : { dtype: d.dtype, dims: d.dims, data: this.#arena.view(d) }) as HostTensor,
        ]),
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return this.run(host, options).then((outputs) => {
      const shared: Record<string, TensorDescriptor> = {};
      try {
        for (const [name, tensor] of Object.entries(outputs))
          shared[name] = this.#arena.writeTensor(tensor.dtype, tensor.dims, tensor.data as never);
      } catch (error) {
        for (const d of Object.values(shared)) this.#arena.release(d);
        throw error;
      }
      return { outputs: shared };
    });
  }

  /** Runs the remote actor on host tensors. */
  run(
    feeds: Record<string, HostTensor>,
    options: CallOptions = {},
  ): Promise<Record<string, HostTensor>> {
    const refused = this.#admission?.refusal(this.name, 'run()');
    if (refused) return Promise.reject(refused);
    try {
      feeds = args.hostFeeds(`actor "${this.name}": run()`, feeds);
      options = args.callOptions(`actor "${this.name}": run()`, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) {
      return Promise.reject(new ActorStoppedError(`actor "${this.name}" is closed`));
    }
    if (!this.#connected || this.#nc.isClosed()) {
      return Promise.reject(
        new RemoteUnavailableError(
          `actor "${this.name}": not connected to the NATS server (${this.#nc.getServer()})`,
        ),
      );
    }
    if (options.signal?.aborted) {
      return Promise.reject(new AbortError(`actor "${this.name}": the call was aborted`));
    }
    let body: Uint8Array;
    try {
      validateFeeds(this.name, this.inputs, feeds);
      body = encodeTensors(feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    const limit = this.#nc.info?.max_payload;
    if (limit !== undefined && body.byteLength > limit) {
      return Promise.reject(
        new PayloadTooLargeError(
          `actor "${this.name}": the feeds encode to ${body.byteLength} bytes, over the NATS server's max_payload of ${limit} bytes`,
        ),
      );
    }
    const timeout = options.timeout ?? this.#timeout;
    const id = String(++this.#calls);
    const reply = `${this.#inbox}.${id}`;
    return new Promise<Record<string, HostTensor>>((resolve, reject) => {
      const onAbort = () => {
        this.#cancel(reply);
        settle(new AbortError(`actor "${this.name}": the call was aborted`));
      };
      const timer = setTimeout(() => {
        this.#cancel(reply);
        settle(new TimeoutError(`actor "${this.name}": no answer within ${timeout} ms`));
      }, timeout);
      const settle = (error: RoundtableError | undefined, outputs?: Record<string, HostTensor>) => {
        const call = this.#pending.get(id);
        if (!call) return;
        this.#pending.delete(id);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (this.#pending.size === 0) this.#stopLiveness();
        this.#events?.emit('remote:call', {
          actor: this.name,
          transport: 'nats',
          ms: performance.now() - call.started,
          ...(error ? { code: error.code } : {}),
        });
        if (error) reject(error);
        else resolve(outputs!);
      };
      this.#pending.set(id, { reply, started: performance.now(), instance: undefined, settle });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const h = headers();
      h.set(Header.deadline, String(Date.now() + timeout));
      try {
        this.#nc.publish(this.#subjects.run, body, { reply, headers: h });
      } catch (error) {
        settle(transportError(error, this.name, this.name, this.#subjects.run, timeout));
      }
    });
  }

  /**
   * 'restarting' while the connection to NATS is down or the last call found no server (until a
   * server accepts one again); `alive` is then 0, so the runtime reports itself not ready.
   */
  health(): ActorHealth {
    const serving = this.#connected && !this.#unserved;
    return {
      name: this.name,
      kind: 'remote',
      state: this.#closed ? 'stopped' : serving ? 'running' : 'restarting',
      replicas: 1,
      alive: !this.#closed && serving ? 1 : 0,
      queued: 0,
      inFlight: this.#pending.size,
    };
  }

  /** Calls in flight get `graceMs`; those still waiting then are answered with ActorStoppedError. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const deadline = Date.now() + graceMs;
    while (this.#pending.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const call of [...this.#pending.values()]) {
      this.#cancel(call.reply);
      call.settle(new ActorStoppedError(`actor "${this.name}" was closed with the call in flight`));
    }
    this.#stopLiveness();
    if (!this.#nc.isClosed()) this.#replies.unsubscribe();
  }

  #onReply(msg: Msg): void {
    const id = msg.subject.slice(this.#inbox.length + 1);
    const call = this.#pending.get(id);
    if (!call) return; // answered already (timed out, aborted): a late reply is dropped
    if (msg.headers?.code === 503) {
      this.#unserved = true;
      call.settle(
        new RemoteUnavailableError(
          `actor "${this.name}": no server answers on ${this.#subjects.run} (NATS: no responders)`,
        ),
      );
      return;
    }
    const status = msg.headers?.get(Header.status);
    if (status === 'accepted') {
      this.#unserved = false;
      call.instance = msg.headers?.get(Header.instance) || undefined;
      this.#startLiveness();
      return;
    }
    if (status === 'error') {
      let error: RoundtableError;
      try {
        error = reviveError(msg.json());
      } catch {
        error = new WireError(`actor "${this.name}": an error reply that is not JSON`);
      }
      call.settle(error);
      return;
    }
    if (status !== 'result') {
      call.settle(new WireError(`actor "${this.name}": a reply with status "${status}"`));
      return;
    }
    try {
      call.settle(undefined, decodeTensors(msg.data, `reply of actor "${this.name}"`));
    } catch (error) {
      call.settle(error as RoundtableError);
    }
  }

  #cancel(reply: string): void {
    if (this.#nc.isClosed()) return;
    const h = headers();
    h.set(Header.call, reply);
    try {
      this.#nc.publish(this.#subjects.cancel, undefined, { headers: h });
    } catch {
      // Best effort: a server that never hears it drops the work at the deadline.
    }
  }

  #startLiveness(): void {
    this.#liveness ??= setInterval(() => void this.#probe(), this.#livenessMs);
  }

  #stopLiveness(): void {
    clearInterval(this.#liveness);
    this.#liveness = undefined;
  }

  /** Pings each server instance that holds calls; one that no longer answers has died. */
  async #probe(): Promise<void> {
    if (this.#probing || !this.#connected) return;
    this.#probing = true;
    try {
      const instances = new Set<string>();
      for (const call of this.#pending.values()) if (call.instance) instances.add(call.instance);
      await Promise.all(
        [...instances].map(async (instance) => {
          try {
            await this.#nc.request(pingSubject(this.#service, instance), undefined, {
              timeout: this.#livenessMs * 4,
            });
          } catch (error) {
            if (!isNoResponders(error)) return; // slow or busy is not dead
            for (const call of [...this.#pending.values()]) {
              if (call.instance !== instance) continue;
              call.settle(
                new ActorCrashedError(
                  `actor "${this.name}": the server (instance ${instance}) that accepted the call is gone`,
                ),
              );
            }
          }
        }),
      );
    } finally {
      this.#probing = false;
    }
  }

  /** Disconnection fails the calls in flight: their replies may be lost with the connection. */
  async #watchConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') {
        this.#connected = false;
        for (const call of [...this.#pending.values()]) {
          call.settle(
            new RemoteUnavailableError(
              `actor "${this.name}": the connection to the NATS server was lost with the call in flight`,
            ),
          );
        }
      } else if (status.type === 'reconnect') {
        this.#connected = true;
      }
      if (this.#closed) break;
    }
    this.#connected = false;
  }
}

/** nats.js rejects a request to a subject nobody listens on with a RequestError caused by this. */
function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())
  );
}

function transportError(
  error: unknown,
  actor: string,
  remote: string,
  subject: string,
  timeout: number,
): RoundtableError {
  const message = error instanceof Error ? error.message : String(error);
  if (isNoResponders(error)) {
    return new RemoteUnavailableError(
      `actor "${actor}": no server serves "${remote}" (no responders on ${subject})`,
    );
  }
  if (
    error instanceof NatsTimeoutError ||
    (error instanceof Error && error.cause instanceof NatsTimeoutError)
  ) {
    return new TimeoutError(`actor "${actor}": no answer on ${subject} within ${timeout} ms`);
  }
  return new RemoteUnavailableError(
    `actor "${actor}": NATS request on ${subject} failed: ${message}`,
  );
}
