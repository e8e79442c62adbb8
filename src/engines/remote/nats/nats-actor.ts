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
import { type Call, CallLedger } from '../../../actor/core/call-ledger.js';
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
import { MAX_TIMER_DELAY } from '../../../util/long-timeout.js';
import { decodeTensors, encodeTensors } from '../wire/tensor-codec.js';
import { checkNatsName, checkNatsOptions } from './nats-options.js';
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
  /**
   * Milliseconds between checks that the servers holding calls are still there; default 250, at
   * most 2^31−1 (a setInterval's period).
   */
  readonly livenessMs?: number;
  /** Milliseconds the ready handshake (metadata) may take; default 5 000; Infinity for no limit. */
  readonly readyTimeout?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LIVENESS_MS = 250;

/**
 * An actor served by other processes over NATS, usable as a plan step like a local one.
 *
 * Each call is a request on the actor's run subject with a reply subject of its own under this
 * actor's inbox; the server that takes it answers `accepted` (naming its instance), then one
 * result or error. Every call is answered exactly once through the actor core's CallLedger (each
 * call tagged with the server instance that accepted it), by the first of:
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
  /** The calls in flight, each tagged with the server instance that accepted it. */
  readonly #calls: CallLedger<string> = new CallLedger<string>({
    where: () => `actor "${this.name}"`,
    timedOut: (where, ms) => new TimeoutError(`${where}: no answer within ${ms} ms`),
    aborted: (where) => new AbortError(`${where}: the call was aborted`),
    // The server drops the work of a call its caller no longer waits for.
    expired: (call) => this.#cancel(call),
    observe: (call, error) => this.#answered(call, error),
  });
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
    const where = `NatsActor.connect("${String(name)}")`;
    options = checkNatsOptions(where, options);
    checkNatsName(where, name, options);
    const remote = options.actor ?? name;
    const subjects = actorSubjects(options.prefix ?? DEFAULT_PREFIX, remote);
    const readyTimeout = options.readyTimeout ?? 5_000;
    let msg: Msg;
    try {
      msg = await requestWithin(options.connection, subjects.meta, readyTimeout);
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
    return new Promise<Record<string, HostTensor>>((resolve, reject) => {
      const call = this.#calls.open(
        'run()',
        { timeout, ...(options.signal ? { signal: options.signal } : {}) },
        resolve,
        reject,
      );
      if (!call) return; // its signal was aborted already: refused before anything is sent
      const h = headers();
      const deadline = Date.now() + timeout;
      // A call with no end (timeout Infinity) sends no deadline.
      if (Number.isFinite(deadline)) h.set(Header.deadline, String(deadline));
      try {
        this.#nc.publish(this.#subjects.run, body, { reply: this.#replyTo(call), headers: h });
      } catch (error) {
        this.#calls.fail(
          call,
          transportError(error, this.name, this.name, this.#subjects.run, timeout),
        );
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
      inFlight: this.#calls.size,
    };
  }

  /** Calls in flight get `graceMs`; those still waiting then are answered with ActorStoppedError. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#calls.idleWithin(graceMs);
    this.#calls.failAll((call) => {
      this.#cancel(call); // the server drops the work it still holds
      return new ActorStoppedError(`actor "${this.name}" was closed with the call in flight`);
    });
    this.#stopLiveness();
    if (!this.#nc.isClosed()) this.#replies.unsubscribe();
  }

  /** Each call's reply subject: under this actor's inbox, named by the call's id. */
  #replyTo(call: Call<string>): string {
    return `${this.#inbox}.${call.id}`;
  }

  /** A call's one answer: the liveness checks end with the last call, and the event is emitted. */
  #answered(call: Call<string>, error: Error | undefined): void {
    if (this.#calls.size === 0) this.#stopLiveness();
    this.#events?.emit('remote:call', {
      actor: this.name,
      transport: 'nats',
      ms: performance.now() - call.started,
      ...(error ? { code: (error as RoundtableError).code } : {}),
    });
  }

  #onReply(msg: Msg): void {
    const call = this.#calls.get(Number(msg.subject.slice(this.#inbox.length + 1)));
    // Answered already (timed out, aborted): a late reply holds host tensors only, dropped here.
    if (!call) return;
    if (msg.headers?.code === 503) {
      this.#unserved = true;
      this.#calls.fail(
        call,
        new RemoteUnavailableError(
          `actor "${this.name}": no server answers on ${this.#subjects.run} (NATS: no responders)`,
        ),
      );
      return;
    }
    const status = msg.headers?.get(Header.status);
    if (status === 'accepted') {
      this.#unserved = false;
      call.tag = msg.headers?.get(Header.instance) || undefined;
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
      this.#calls.fail(call, error);
      return;
    }
    if (status !== 'result') {
      this.#calls.fail(
        call,
        new WireError(`actor "${this.name}": a reply with status "${status}"`),
      );
      return;
    }
    try {
      this.#calls.answer(call, decodeTensors(msg.data, `reply of actor "${this.name}"`));
    } catch (error) {
      this.#calls.fail(call, error as RoundtableError);
    }
  }

  #cancel(call: Call<string>): void {
    if (this.#nc.isClosed()) return;
    const h = headers();
    h.set(Header.call, this.#replyTo(call));
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
      await Promise.all(
        [...this.#calls.tags()].map(async (instance) => {
          try {
            await this.#nc.request(pingSubject(this.#service, instance), undefined, {
              timeout: Math.min(this.#livenessMs * 4, MAX_TIMER_DELAY),
            });
          } catch (error) {
            if (!isNoResponders(error)) return; // slow or busy is not dead
            this.#calls.failAll(
              () =>
                new ActorCrashedError(
                  `actor "${this.name}": the server (instance ${instance}) that accepted the call is gone`,
                ),
              (call) => call.tag === instance,
            );
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
        this.#calls.failAll(
          () =>
            new RemoteUnavailableError(
              `actor "${this.name}": the connection to the NATS server was lost with the call in flight`,
            ),
        );
      } else if (status.type === 'reconnect') {
        this.#connected = true;
      }
      if (this.#closed) break;
    }
    this.#connected = false;
  }
}

/** nats.js rejects a request to a subject nobody listens on with a RequestError caused by this. */
/**
 * A request answered within `ms` of any length: the client's own timeout is one setTimeout (it
 * would fire after about 1 ms past MAX_TIMER_DELAY), so a longer wait asks again in steps, and
 * Infinity waits for ever, as every other timeout of the runtime does.
 */
async function requestWithin(nc: NatsConnection, subject: string, ms: number): Promise<Msg> {
  const due = Date.now() + ms;
  for (;;) {
    const wait = Math.max(1, Math.min(due - Date.now(), MAX_TIMER_DELAY));
    try {
      return await nc.request(subject, undefined, { timeout: wait });
    } catch (error) {
      const timedOut =
        error instanceof NatsTimeoutError ||
        (error instanceof Error && error.cause instanceof NatsTimeoutError);
      if (!timedOut || Date.now() >= due) throw error;
    }
  }
}

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
