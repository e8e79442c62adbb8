import {
  headers,
  type Msg,
  type NatsConnection,
  nuid,
  type Subscription,
} from '@nats-io/transport-node';
import {
  actorSubjects,
  DEFAULT_PREFIX,
  DEFAULT_SERVICE,
  Header,
  type MetaReply,
  type ReplyStatus,
} from '../../engines/remote/nats/nats-protocol.js';
import { decodeTensors, encodeTensors } from '../../engines/remote/wire/tensor-codec.js';
import {
  AbortError,
  PayloadTooLargeError,
  serializeError,
  TimeoutError,
  WireError,
} from '../../errors.js';
import { checkNatsActors, checkNatsConnection, checkNatsServeOptions } from '../serve-arguments.js';
import type { NatsHostedActor } from './nats-hosted-actor.js';

export interface NatsServeOptions {
  /** Subjects are `<prefix>.<actor>.run|meta|cancel`. Default 'roundtable'. */
  readonly prefix?: string;
  /** The services-protocol name (`$SRV.*.<service>`). Default 'roundtable'. */
  readonly service?: string;
  readonly version?: string;
}

/** Counters of one endpoint, as the services protocol's STATS reports them (plus ours in `data`). */
interface EndpointCounters {
  requests: number;
  errors: number;
  lastError: string | undefined;
  processingNs: number;
  /** Calls whose deadline had passed on arrival: dropped without running. */
  dropped: number;
  /** Calls abandoned because their caller sent a cancel. */
  cancelled: number;
}

interface Endpoint {
  readonly actor: NatsHostedActor;
  readonly subject: string;
  readonly queue: string;
  readonly counters: EndpointCounters;
}

/**
 * Hosts actors as a NATS service: per actor a `run` and a `meta` endpoint in the actor's queue
 * group (so several servers share the load and take over from each other) and a `cancel` subject,
 * plus the services protocol's discovery and stats. See src/engines/remote/nats/nats-protocol.ts.
 *
 * Every run request is answered exactly once with a result or an error (after an `accepted`);
 * a request whose deadline has passed on arrival is answered with TimeoutError and never run.
 */
export class NatsActorServer {
  /** This server's id in the services protocol. */
  readonly instance = nuid.next();
  readonly service: string;
  readonly #nc: NatsConnection;
  readonly #endpoints: Endpoint[] = [];
  /** run and meta: drained first on stop, so the queue groups send new calls elsewhere. */
  readonly #intake: Subscription[] = [];
  /**
   * cancel and discovery: kept until the calls held here are answered, so their callers can still
   * cancel them and still see this instance alive (a missing instance means a crash to them).
   */
  readonly #control: Subscription[] = [];
  /** Calls running here, by their reply subject, so a cancel can reach them. */
  readonly #running = new Map<string, AbortController>();
  readonly #version: string;
  readonly #started = new Date().toISOString();
  #stopping: Promise<void> | undefined;

  private constructor(nc: NatsConnection, service: string, version: string) {
    this.#nc = nc;
    this.service = service;
    this.#version = version;
  }

  static async start(
    nc: NatsConnection,
    actors: readonly NatsHostedActor[],
    options: NatsServeOptions = {},
  ): Promise<NatsActorServer> {
    // Everything is checked before the first subscription: a refusal leaves nothing subscribed.
    const where = 'NatsActorServer.start';
    nc = checkNatsConnection(where, nc);
    actors = checkNatsActors(where, actors);
    options = checkNatsServeOptions(where, options);
    const service = options.service ?? DEFAULT_SERVICE;
    const server = new NatsActorServer(nc, service, options.version ?? '0.1.0');
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    for (const actor of actors) server.#host(actor, prefix);
    server.#discovery();
    // The subscriptions are live at the NATS server once a flush returns: callers can find us.
    await nc.flush();
    return server;
  }

  /** Actors served, and the counters of their run endpoints. */
  stats(): {
    actor: string;
    requests: number;
    errors: number;
    dropped: number;
    cancelled: number;
  }[] {
    return this.#endpoints.map(({ actor, counters }) => ({
      actor: actor.name,
      requests: counters.requests,
      errors: counters.errors,
      dropped: counters.dropped,
      cancelled: counters.cancelled,
    }));
  }

  /**
   * Stops taking requests (the subscriptions are drained, so the queue groups send new calls to
   * the other servers) and waits for the calls running here to be answered.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.allSettled(this.#intake.map((sub) => sub.drain()));
      while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.allSettled(this.#control.map((sub) => sub.drain()));
    })();
    return this.#stopping;
  }

  #host(actor: NatsHostedActor, prefix: string): void {
    const subjects = actorSubjects(prefix, actor.name);
    const endpoint: Endpoint = {
      actor,
      subject: subjects.run,
      queue: subjects.queue,
      counters: {
        requests: 0,
        errors: 0,
        lastError: undefined,
        processingNs: 0,
        dropped: 0,
        cancelled: 0,
      },
    };
    this.#endpoints.push(endpoint);
    const meta: MetaReply = {
      actor: actor.name,
      inputs: actor.inputs,
      outputs: actor.outputs,
      service: this.service,
      instance: this.instance,
    };
    const metaBody = new TextEncoder().encode(JSON.stringify(meta));
    this.#intake.push(
      this.#subscribe(subjects.meta, subjects.queue, (msg) => msg.respond(metaBody)),
      this.#subscribe(subjects.run, subjects.queue, (msg) => void this.#run(endpoint, msg)),
    );
    const cancel = this.#subscribe(subjects.cancel, undefined, (msg) => {
      const running = this.#running.get(msg.headers?.get(Header.call) ?? '');
      if (!running) return;
      endpoint.counters.cancelled++;
      running.abort(new AbortError(`actor "${actor.name}": the caller cancelled the call`));
    });
    this.#control.push(cancel);
  }

  async #run(endpoint: Endpoint, msg: Msg): Promise<void> {
    const { actor, counters } = endpoint;
    counters.requests++;
    // Nobody can be answered: a plain publish to a run subject is dropped.
    if (!msg.reply) return;
    const reply = msg.reply;
    const started = process.hrtime.bigint();
    const deadline = readDeadline(msg, actor.name);
    if (deadline instanceof WireError) {
      // A deadline the caller meant but we cannot read: running without one would break it.
      this.#answerError(endpoint, reply, deadline);
      return;
    }
    if (deadline !== undefined && Date.now() >= deadline) {
      counters.dropped++;
      this.#answerError(
        endpoint,
        reply,
        new TimeoutError(`actor "${actor.name}": the call's deadline passed before it started`),
      );
      return;
    }
    this.#respond(reply, 'accepted', undefined);
    // A call is named by its reply subject: unique per caller and call, and what a cancel names.
    const key = reply;
    const controller = new AbortController();
    this.#running.set(key, controller);
    try {
      const feeds = decodeTensors(msg.data, `request to actor "${actor.name}"`);
      const timeout = deadline !== undefined ? Math.max(1, deadline - Date.now()) : undefined;
      const outputs = await actor.run(feeds, {
        signal: controller.signal,
        ...(timeout !== undefined ? { timeout } : {}),
      });
      const body = encodeTensors(outputs);
      const limit = this.#nc.info?.max_payload;
      if (limit !== undefined && body.byteLength > limit) {
        throw new PayloadTooLargeError(
          `actor "${actor.name}": its outputs encode to ${body.byteLength} bytes, over the NATS server's max_payload of ${limit} bytes`,
        );
      }
      this.#respond(reply, 'result', body);
    } catch (error) {
      this.#answerError(endpoint, reply, error);
    } finally {
      this.#running.delete(key);
      counters.processingNs += Number(process.hrtime.bigint() - started);
    }
  }

  #answerError(endpoint: Endpoint, reply: string, error: unknown): void {
    const shape = serializeError(error);
    endpoint.counters.errors++;
    endpoint.counters.lastError = `${shape.code}: ${shape.message}`;
    this.#respond(reply, 'error', new TextEncoder().encode(JSON.stringify(shape)));
  }

  #respond(reply: string, status: ReplyStatus, body: Uint8Array | undefined): void {
    const h = headers();
    h.set(Header.status, status);
    if (status === 'accepted') h.set(Header.instance, this.instance);
    try {
      this.#nc.publish(reply, body, { headers: h });
    } catch (error) {
      // The connection is closed: the caller learns it from its own side (no reply, server gone).
      if (!(error instanceof Error)) throw error;
    }
  }

  #subscribe(
    subject: string,
    queue: string | undefined,
    onMessage: (msg: Msg) => void,
  ): Subscription {
    return this.#nc.subscribe(subject, {
      ...(queue !== undefined ? { queue } : {}),
      callback: (error, msg) => {
        if (!error) onMessage(msg);
      },
    });
  }

  /** The services protocol's PING, INFO and STATS, at its three levels of address. */
  #discovery(): void {
    const identity = () => ({
      name: this.service,
      id: this.instance,
      version: this.#version,
      metadata: {},
    });
    const answers: Record<string, () => object> = {
      PING: () => ({ type: 'io.nats.micro.v1.ping_response', ...identity() }),
      INFO: () => ({
        type: 'io.nats.micro.v1.info_response',
        ...identity(),
        description: 'roundtable actors',
        endpoints: this.#endpoints.map((e) => ({
          name: e.actor.name,
          subject: e.subject,
          queue_group: e.queue,
          metadata: {},
        })),
      }),
      STATS: () => ({
        type: 'io.nats.micro.v1.stats_response',
        ...identity(),
        started: this.#started,
        endpoints: this.#endpoints.map(({ actor, subject, queue, counters }) => ({
          name: actor.name,
          subject,
          queue_group: queue,
          num_requests: counters.requests,
          num_errors: counters.errors,
          ...(counters.lastError !== undefined ? { last_error: counters.lastError } : {}),
          processing_time: counters.processingNs,
          average_processing_time:
            counters.requests > 0 ? Math.round(counters.processingNs / counters.requests) : 0,
          data: { dropped: counters.dropped, cancelled: counters.cancelled },
        })),
      }),
    };
    for (const [verb, answer] of Object.entries(answers)) {
      for (const subject of [
        `$SRV.${verb}`,
        `$SRV.${verb}.${this.service}`,
        `$SRV.${verb}.${this.service}.${this.instance}`,
      ]) {
        this.#control.push(
          this.#subscribe(subject, undefined, (msg) => {
            msg.respond(new TextEncoder().encode(JSON.stringify(answer())));
          }),
        );
      }
    }
  }
}

/**
 * The call's deadline, in milliseconds since the epoch, if the caller sent one. A header that is
 * there but is not such a time is the caller's mistake, answered as one.
 */
function readDeadline(msg: Msg, actor: string): number | undefined | WireError {
  const text = msg.headers?.get(Header.deadline);
  // Earlier callers sent `Infinity` for a call with no end: it still means no deadline.
  if (!text || text === 'Infinity') return undefined;
  const deadline = Number(text);
  if (!Number.isFinite(deadline) || deadline < 0) {
    return new WireError(
      `request to actor "${actor}": header ${Header.deadline} is "${text}", expected a time in milliseconds since the epoch`,
    );
  }
  return deadline;
}
