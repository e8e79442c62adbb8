import { Agent } from 'node:http';
import * as args from '../../../actor/arguments.js';
import type { CallOptions } from '../../../actor/call-options.js';
import type { ActorContext } from '../../../actor/context.js';
import { CallLedger } from '../../../actor/core/call-ledger.js';
import { validateFeeds } from '../../../actor/feed-validation.js';
import type { IoMetadata } from '../../../actor/protocol.js';
import type { ActorHealth } from '../../../actor/supervision/supervisable.js';
import {
  AbortError,
  ActorStoppedError,
  RemoteError,
  RemoteUnavailableError,
  serializeError,
  TimeoutError,
} from '../../../errors.js';
import { dtypeOfDatatype, isOipDatatype } from '../../../oip/datatype.js';
import type { HostTensor, TensorDescriptor } from '../../../tensor/index.js';
import { type HttpReply, httpCall } from './http-call.js';
import { decodeInferResponse, encodeInferRequest } from './infer-codec.js';
import { checkRemoteOptions } from './remote-options.js';

export interface RemoteModelOptions {
  /** The server's base URL, e.g. `http://10.0.0.7:8000` (Triton's HTTP port). */
  readonly url: string;
  /** The model's name on that server. */
  readonly model: string;
  /** A version to pin; the server's choice when left out. */
  readonly version?: string;
  /** Milliseconds each call (and the handshake at start) may take; none unless told. */
  readonly timeout?: number;
  /** Tensors as raw bytes (the binary data extension); false sends JSON arrays. Default true. */
  readonly binary?: boolean;
}

/** Milliseconds the handshake at start may take when no timeout is given. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A model served elsewhere by any server speaking the Open Inference Protocol (Triton, KServe,
 * OpenVINO Model Server, MLServer, `roundtable serve --http`), used as a plan step like a local
 * model actor. The handshake at start reads its metadata and readiness, so a missing server or
 * model is a typed error when it is added; feeds are checked against that metadata before they
 * leave, replies are checked before they enter the arena. Each call is settled exactly once
 * through the actor core's CallLedger (tagged with the HTTP request it went out on): by its
 * reply, the server's failure, its timeout or AbortSignal, or close().
 */
export class RemoteModel {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #context: ActorContext;
  readonly #options: RemoteModelOptions;
  readonly #base: URL;
  readonly #agent: Agent;
  readonly #who: string;
  /**
   * Calls on the wire, each tagged with the controller of its HTTP request: a call answered
   * otherwise than by its reply (timeout, abort, close) destroys its request, so the server sees
   * the caller leave.
   */
  readonly #calls: CallLedger<AbortController> = new CallLedger<AbortController>({
    where: () => this.#who,
    timedOut: (where, ms) => new TimeoutError(`${where}: no reply within ${ms} ms`),
    aborted: (where, sent) =>
      new AbortError(`${where}: the call was aborted${sent ? '' : ' before it was sent'}`),
    observe: (call, error) => {
      if (error) call.tag?.abort();
    },
  });
  #reachable = true;
  #closed = false;

  private constructor(
    name: string,
    context: ActorContext,
    options: RemoteModelOptions,
    base: URL,
    agent: Agent,
    metadata: { inputs: IoMetadata[]; outputs: IoMetadata[] },
  ) {
    this.name = name;
    this.#context = context;
    this.#options = options;
    this.#base = base;
    this.#agent = agent;
    this.#who = whoOf(name, options);
    this.inputs = metadata.inputs;
    this.outputs = metadata.outputs;
  }

  /**
   * Reads the model's metadata and readiness. Rejects with RemoteUnavailableError when the server
   * cannot be reached or the model is not ready, RemoteError when the server refuses (404 for an
   * unknown model), TimeoutError past the timeout.
   */
  static async connect(
    name: string,
    context: ActorContext,
    options: RemoteModelOptions,
  ): Promise<RemoteModel> {
    const where = `RemoteModel.connect("${String(name)}")`;
    args.name(where, 'name', name);
    options = checkRemoteOptions(where, options);
    const base = modelUrl(name, options);
    const agent = new Agent({ keepAlive: true });
    const who = whoOf(name, options);
    const get = (path: string) =>
      httpCall({
        method: 'GET',
        url: new URL(path, base),
        agent,
        who,
        timeout: options.timeout ?? HANDSHAKE_TIMEOUT_MS,
      });
    try {
      const metadata = await get(base.pathname);
      if (metadata.status !== 200) throw refusal(who, metadata);
      const ready = await get(`${base.pathname}/ready`);
      if (ready.status !== 200)
        throw new RemoteUnavailableError(`${who}: the model is not ready (HTTP ${ready.status})`);
      return new RemoteModel(
        name,
        context,
        options,
        base,
        agent,
        parseMetadata(who, metadata.body),
      );
    } catch (error) {
      agent.destroy();
      throw error;
    }
  }

  /** Runs the model on tensors in the arena; the outputs are new arena tensors the caller owns. */
  async runShared(
    feeds: Record<string, TensorDescriptor>,
    options: CallOptions = {},
  ): Promise<{ readonly outputs: Record<string, TensorDescriptor> }> {
    const where = `remote model "${this.name}": runShared()`;
    feeds = args.record(where, 'feeds', feeds) as typeof feeds;
    options = args.callOptions(where, options);
    const started = performance.now();
    try {
      const outputs = await this.#run(feeds, options);
      this.#context.events.emit('actor:message', {
        actor: this.name,
        ms: performance.now() - started,
      });
      return { outputs };
    } catch (error) {
      this.#context.events.emit('actor:message', {
        actor: this.name,
        ms: performance.now() - started,
        code: serializeError(error).code,
      });
      throw error;
    }
  }

  /** Runs the model on host tensors, for callers that do not manage arena lifetimes. */
  async run(
    feeds: Record<string, HostTensor>,
    options: CallOptions = {},
  ): Promise<Record<string, HostTensor>> {
    const refused = this.#context.admission?.refusal(this.name, 'run()');
    if (refused) throw refused;
    feeds = args.hostFeeds(`remote model "${this.name}": run()`, feeds);
    options = args.callOptions(`remote model "${this.name}": run()`, options);
    const arena = this.#context.arena;
    const shared: Record<string, TensorDescriptor> = {};
    try {
      for (const [name, feed] of Object.entries(feeds))
        shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
      const { outputs } = await this.runShared(shared, options);
      const host: Record<string, HostTensor> = {};
      for (const [name, d] of Object.entries(outputs)) {
        host[name] = arena.readTensor(d) as HostTensor;
        arena.release(d);
      }
      return host;
    } finally {
      for (const d of Object.values(shared)) arena.release(d);
    }
  }

  /** The server as last seen: alive while its last call reached it. */
  health(): ActorHealth {
    return {
      name: this.name,
      kind: 'remote',
      state: this.#closed ? 'stopped' : 'running',
      replicas: 1,
      alive: this.#reachable && !this.#closed ? 1 : 0,
      queued: 0,
      inFlight: this.#calls.size,
    };
  }

  /**
   * Refuses new calls, gives those on the wire `graceMs` to be answered, then stops them with
   * ActorStoppedError and closes the connections.
   */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#calls.idleWithin(graceMs);
    this.#calls.failAll(
      () => new ActorStoppedError(`${this.#who} was closed while the call was on the wire`),
    );
    this.#agent.destroy();
    this.#context.events.emit('actor:stopped', { actor: this.name, reason: undefined });
  }

  async #run(
    feeds: Record<string, TensorDescriptor>,
    options: CallOptions,
  ): Promise<Record<string, TensorDescriptor>> {
    const refused = this.#context.admission?.refusal(this.name, 'run()');
    if (refused) throw refused;
    if (this.#closed) throw new ActorStoppedError(`${this.#who} is closed`);
    validateFeeds(this.name, this.inputs, feeds);
    const arena = this.#context.arena;
    const host: Record<string, HostTensor> = {};
    for (const [name, d] of Object.entries(feeds)) host[name] = arena.readTensor(d) as HostTensor;
    const request = encodeInferRequest(
      host,
      this.outputs.map((output) => output.name),
      this.#options.binary ?? true,
    );
    const timeout = options.timeout ?? this.#options.timeout;
    let reply: HttpReply;
    try {
      reply = await this.#calls.track(
        'run()',
        {
          ...(timeout !== undefined ? { timeout } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (call) => {
          call.tag = new AbortController();
          return httpCall({
            method: 'POST',
            url: new URL(`${this.#base.pathname}/infer`, this.#base),
            agent: this.#agent,
            who: this.#who,
            body: request.body,
            headers: {
              'content-type':
                request.headerLength === undefined
                  ? 'application/json'
                  : 'application/octet-stream',
              ...(request.headerLength !== undefined
                ? { 'inference-header-content-length': request.headerLength }
                : {}),
            },
            signal: call.tag.signal,
          });
        },
        (error) => error as Error,
      );
      this.#reachable = true;
    } catch (error) {
      // Health follows what the wire says: a timeout or an abort says nothing about the server.
      if (error instanceof RemoteUnavailableError) this.#reachable = false;
      throw error;
    }
    if (reply.status !== 200) throw refusal(this.#who, reply);
    const header = reply.headers['inference-header-content-length'];
    const outputs = decodeInferResponse(
      this.#who,
      reply.body,
      header === undefined ? undefined : Number(header),
    );
    this.#checkOutputs(outputs);
    const written: Record<string, TensorDescriptor> = {};
    try {
      for (const [name, tensor] of Object.entries(outputs))
        written[name] = arena.writeTensor(tensor.dtype, tensor.dims, tensor.data as never);
    } catch (error) {
      for (const d of Object.values(written)) arena.release(d);
      throw error;
    }
    return written;
  }

  /** Each output the metadata promises, of its datatype and rank. */
  #checkOutputs(outputs: Record<string, HostTensor>): void {
    for (const expected of this.outputs) {
      const got = outputs[expected.name];
      if (!got)
        throw new RemoteError(`${this.#who}: the reply has no output "${expected.name}"`, 200);
      if (expected.dtype !== undefined && got.dtype !== expected.dtype)
        throw new RemoteError(
          `${this.#who}: output "${expected.name}" came as ${got.dtype}, the metadata says ${expected.dtype}`,
          200,
        );
      const shape = expected.shape;
      if (shape && shape.length > 0 && shape.length !== got.dims.length)
        throw new RemoteError(
          `${this.#who}: output "${expected.name}" came with rank ${got.dims.length}, the metadata says ${shape.length}`,
          200,
        );
    }
  }
}

function whoOf(name: string, options: RemoteModelOptions): string {
  return `remote model "${name}" (${options.url}, model "${options.model}"${
    options.version ? ` version ${options.version}` : ''
  })`;
}

/** `<url>/v2/models/<model>[/versions/<version>]`, kept under any path prefix of the url. */
function modelUrl(name: string, options: RemoteModelOptions): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError(`remote model "${name}": url must be an http:// URL, got "${options.url}"`);
  }
  if (url.protocol !== 'http:')
    throw new TypeError(`remote model "${name}": url must be an http:// URL, got "${options.url}"`);
  if (typeof options.model !== 'string' || options.model === '')
    throw new TypeError(`remote model "${name}": model must be the model's name on the server`);
  const prefix = url.pathname.replace(/\/+$/, '');
  const version = options.version ? `/versions/${encodeURIComponent(options.version)}` : '';
  url.pathname = `${prefix}/v2/models/${encodeURIComponent(options.model)}${version}`;
  return url;
}

/** A reply other than 200 as a RemoteError with the server's own message. */
function refusal(who: string, reply: HttpReply): RemoteError {
  let message = reply.body.toString('utf8').slice(0, 500);
  try {
    const parsed = JSON.parse(message) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return new RemoteError(`${who}: HTTP ${reply.status}: ${message}`, reply.status);
}

function parseMetadata(who: string, body: Buffer): { inputs: IoMetadata[]; outputs: IoMetadata[] } {
  let metadata: { inputs?: unknown; outputs?: unknown };
  try {
    metadata = JSON.parse(body.toString('utf8')) as typeof metadata;
  } catch {
    throw new RemoteError(`${who}: the model metadata is not JSON`, 200);
  }
  const tensors = (list: unknown, what: string): IoMetadata[] => {
    if (!Array.isArray(list))
      throw new RemoteError(`${who}: the model metadata has no ${what}`, 200);
    return list.map((t: { name?: unknown; datatype?: unknown; shape?: unknown }) => {
      if (typeof t?.name !== 'string')
        throw new RemoteError(
          `${who}: the model metadata has one of its ${what} without a name`,
          200,
        );
      const shape = Array.isArray(t.shape)
        ? t.shape.map((d) => (Number.isInteger(d) && (d as number) >= 0 ? (d as number) : -1))
        : undefined;
      // A datatype the runtime has no dtype for is not checked here; the server will judge.
      return {
        name: t.name,
        dtype: isOipDatatype(t.datatype) ? dtypeOfDatatype(t.datatype) : undefined,
        shape,
      };
    });
  };
  return {
    inputs: tensors(metadata.inputs, 'inputs'),
    outputs: tensors(metadata.outputs, 'outputs'),
  };
}
