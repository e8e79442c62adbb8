import { field, integer, refuse, tokenIds } from '../../actor/arguments.js';
import type { ActorContext } from '../../actor/context.js';
import type { RestartOptions } from '../../actor/restart-budget.js';
import { ownPolicy } from '../../actor/supervision/own-policy.js';
import type { ActorHealth, DeathHandler } from '../../actor/supervision/supervisable.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  DecoderBudgetError,
  FeedError,
  MailboxFullError,
  type RoundtableError,
  SequenceClosedError,
  SequenceEvictedError,
  StaleSequenceError,
  serializeError,
} from '../../errors.js';
import { faultInjectionOf } from '../onnx/fault-injection.js';
import { registerTestHooks } from '../test-hooks.js';
import { proposeOptions, sequenceHandle, stepOptions, tokenRows } from './decoder-arguments.js';
import type { SequenceAnswer, StepPositions } from './decoder-protocol.js';
import {
  type Asked,
  ask,
  type DecoderReplica,
  type ReplicaCore,
  startReplica,
} from './decoder-replica.js';
import { type DecoderFolder, readModelFolder } from './model-folder.js';

export interface DecoderOptions {
  /** A model folder as published (onnxruntime-genai or Optimum layout), or one already read. */
  readonly folder: string | DecoderFolder;
  /** Workers, each holding the sequences opened on it. Default 1. */
  readonly replicas?: number;
  /** Bytes of key/value cache the actor holds at most, all sequences together. Default: no limit. */
  readonly budgetBytes?: number;
  /** A sequence untouched this long is evicted (its cache dropped). Default: never. */
  readonly idleMs?: number;
  readonly restart?: RestartOptions;
  /** Messages waiting or running on one replica at most; past it MailboxFullError. Default 64. */
  readonly capacity?: number;
  /** ONNX Runtime threads per session; default ONNX Runtime's own. */
  readonly intraOpNumThreads?: number;
}

/**
 * What a caller holds of an open sequence. A handle is for one state of the sequence: each step,
 * reorder or rewind returns the next handle, and using an older one is a StaleSequenceError.
 */
export interface SequenceHandle {
  readonly actor: string;
  readonly id: number;
  readonly generation: number;
  /** Rows (beams) the sequence has now. */
  readonly rows: number;
  /** Positions in its cache. */
  readonly length: number;
}

export interface DecoderStep {
  readonly sequence: SequenceHandle;
  /**
   * rows × vocabulary log-probabilities of the next token (absent when `topK` was asked); with
   * `positions: 'all'`, rows × appended tokens × vocabulary: the distribution after each of them.
   */
  readonly logprobs?: Float32Array;
  /** With `topK`: rows (× appended tokens) × k token ids and their log-probabilities, best first. */
  readonly topIds?: Int32Array;
  readonly topLogprobs?: Float32Array;
}

export interface StepOptions {
  /** Return only the k most likely tokens of each row. */
  readonly topK?: number;
  /**
   * 'last' (default): the distribution after the last appended token. 'all': one after each
   * appended token, so that k proposed tokens are scored in one run (speculative decoding).
   */
  readonly positions?: StepPositions;
  /**
   * Positions dropped before the tokens are appended, as `rewind()` would, in the same message:
   * a speculative verifier drops the proposals it rejected with its next step.
   */
  readonly rewind?: number;
}

/** What {@link DecoderActor.propose} chooses and how. */
export interface ProposeOptions {
  /** Tokens chosen, each fed back before the next is chosen; the last is not fed. 1 to 1024. */
  readonly count: number;
  /** Positions dropped before `tokens` are appended. Default 0. */
  readonly rewind?: number;
  /**
   * Sampling: one uniform number in [0, 1) per proposal, each drawing its token from the
   * distribution softened by `temperature`. Without it, each proposal is the most likely token.
   */
  readonly sampling?: { readonly uniforms: readonly number[]; readonly temperature: number };
  /** Also answer the distribution each proposal was chosen from. Default false. */
  readonly distributions?: boolean;
}

export interface DecoderProposal {
  readonly sequence: SequenceHandle;
  /** The tokens chosen, in order. */
  readonly tokens: Int32Array;
  /** With `distributions`: count × vocabulary log-probabilities, the row each token came from. */
  readonly logprobs?: Float32Array;
}

type SequenceState = 'open' | 'closed' | 'evicted' | 'crashed';

interface SequenceRecord {
  readonly id: number;
  /** The worker holding its state (not just the slot: a restarted slot holds none of it). */
  readonly replica: DecoderReplica;
  state: SequenceState;
  generation: number;
  rows: number;
  length: number;
  bytes: number;
  busy: number;
  timer: NodeJS.Timeout | undefined;
  /** Why it is no longer usable, for every later message. */
  error?: RoundtableError;
}

/**
 * A decoder on worker threads that keeps each open sequence's key/value cache between steps, so a
 * step costs one token's work, not the window's. A sequence is pinned to the replica that opened
 * it; the actor sums the caches against its byte budget and evicts sequences left idle.
 *
 * Each replica slot stands on the worker-actor core (decoder-replica.ts): spawn, ready handshake,
 * exactly-once answers, death, restart, close. What is a decoder's own stays here: pinning,
 * generations, the byte budget, eviction, and losing a dead worker's sequences.
 */
export class DecoderActor {
  readonly name: string;
  readonly folder: DecoderFolder;
  readonly vocab: number;
  /** Bytes one token of one row adds to the cache (self-attention). */
  readonly bytesPerToken: number;
  readonly #context: ActorContext;
  readonly #options: DecoderOptions;
  /** One core per replica slot, its index the replica's. */
  readonly #replicas: readonly ReplicaCore[];
  /** Where a replica's death goes: one restart budget for all replicas. */
  readonly #onDeath: DeathHandler;
  /** Open sequences (and those with a message still running). */
  readonly #sequences = new Map<number, SequenceRecord>();
  /**
   * Sequences evicted or lost with their worker, kept so that a later message gets the precise
   * error; the oldest go first past {@link TOMBSTONES}, after which a message gets
   * SequenceClosedError.
   */
  readonly #tombstones = new Map<number, SequenceRecord>();
  #nextSequence = 1;
  #stopped: RoundtableError | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    name: string,
    context: ActorContext,
    options: DecoderOptions,
    folder: DecoderFolder,
    replicas: readonly ReplicaCore[],
  ) {
    this.name = name;
    this.#context = context;
    this.#options = options;
    this.folder = folder;
    const first = replicas[0]!.current!;
    this.vocab = first.ready.vocab;
    this.bytesPerToken = first.ready.bytesPerToken;
    this.#replicas = replicas;
    this.#onDeath = ownPolicy(
      {
        name,
        restart: (which, delayMs) => this.#restart(which, delayMs),
        stop: (reason) => this.#shutdown(reason, 0, true),
      },
      options.restart,
    );
    registerTestHooks(this, { injectFault: (where) => this.#injectFault(where) });
    for (const core of replicas) {
      core.onExit((code, expected, replica) => {
        if (!expected) this.#lost(replica, code);
      });
    }
  }

  /** Reads the folder and starts the replicas; a folder or model that will not load rejects here. */
  static async spawn(
    name: string,
    context: ActorContext,
    options: DecoderOptions,
  ): Promise<DecoderActor> {
    const replicas = options.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new RangeError(`decoder "${name}": replicas must be an integer ≥ 1, got ${replicas}`);
    }
    const folder =
      typeof options.folder === 'string' ? readModelFolder(options.folder) : options.folder;
    let actor: DecoderActor | undefined;
    const started = await Promise.allSettled(
      Array.from({ length: replicas }, (_, index) =>
        startReplica({
          actor: name,
          index,
          context,
          data: workerData(name, context, options, folder),
          // A death before the actor exists (its other replicas still loading) is not restarted:
          // the spawn has not succeeded yet.
          onDeath: (death) => {
            if (actor) actor.#onDeath(death);
          },
        }),
      ),
    );
    const failed = started.find((result) => result.status === 'rejected');
    const cores = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    if (failed || cores.some((core) => !core.current)) {
      // One replica could not start: the others are not kept.
      const reason = new ActorStoppedError(`decoder "${name}" did not start`);
      await Promise.all(cores.map((core) => core.stop(reason)));
      throw failed ? failed.reason : reason;
    }
    actor = new DecoderActor(name, context, options, folder, cores);
    return actor;
  }

  /** Bytes of cache the actor's open sequences hold now. */
  get bytes(): number {
    let bytes = 0;
    for (const record of this.#sequences.values()) bytes += record.bytes;
    return bytes;
  }

  /** Sequences open now. */
  get openSequences(): number {
    return this.#sequences.size;
  }

  /**
   * Opens a sequence: prefills each row's prompt (rows of one length; several for beams that
   * start apart) and returns the next token's log-probabilities. An encoder–decoder needs the
   * source of each row in `source`; it is encoded once and kept with the sequence.
   */
  async open(
    prompt: readonly number[] | readonly (readonly number[])[],
    options: StepOptions & {
      readonly source?: readonly number[] | readonly (readonly number[])[];
    } = {},
  ): Promise<DecoderStep> {
    this.#admit('open()');
    const where = `decoder "${this.name}": open()`;
    const rows = tokenRows(where, 'prompt', prompt, 'row');
    const given = stepOptions(where, options);
    const source = field(where, 'options.source', options ?? {}, 'source');
    options = {
      ...given,
      ...(source !== undefined
        ? { source: tokenRows(where, 'options.source', source, 'row') }
        : {}),
    };
    this.#checkIds('prompt', rows);
    this.#checkContext(0, rows[0]?.length ?? 0);
    this.#checkBudget(rows.length * (rows[0]?.length ?? 0) * this.bytesPerToken, 'open');
    const replica = await this.#pickReplica();
    const id = this.#nextSequence++;
    const record: SequenceRecord = {
      id,
      replica,
      state: 'open',
      generation: 0,
      rows: rows.length,
      length: 0,
      bytes: 0,
      busy: 0,
      timer: undefined,
    };
    this.#sequences.set(id, record);
    const fields = stepFields(this.name, options);
    const sourceRows = options.source ? asRows(options.source) : undefined;
    try {
      return await this.#ask(record, 'open', (message) => ({
        type: 'open',
        id: message,
        seq: id,
        rows,
        ...(sourceRows ? { source: sourceRows } : {}),
        ...fields,
      }));
    } catch (error) {
      if (record.state === 'open' && record.generation === 0) this.#forget(record);
      throw error;
    }
  }

  /** Appends `tokens` (one list per row, all of one length) and returns the next token's log-probabilities. */
  async step(
    handle: SequenceHandle,
    tokens: readonly number[] | readonly (readonly number[])[],
    options: StepOptions = {},
  ): Promise<DecoderStep> {
    this.#admit('step()');
    const where = `decoder "${this.name}": step()`;
    handle = sequenceHandle(where, handle);
    const rows = tokenRows(where, 'tokens', tokens, 'column');
    options = stepOptions(where, options);
    const record = this.#usable(handle);
    this.#checkIds('tokens', rows);
    const rewind = options.rewind ?? 0;
    this.#checkContext(record.length - rewind, rows[0]?.length ?? 0);
    this.#checkBudget(rows.length * (rows[0]?.length ?? 0) * this.bytesPerToken, 'step');
    const fields = stepFields(this.name, options);
    const { generation } = handle;
    return this.#ask(record, 'step', (id) => ({
      type: 'step',
      id,
      seq: record.id,
      generation,
      tokens: rows,
      ...fields,
      ...(rewind > 0 ? { rewind } : {}),
    }));
  }

  /**
   * One row: drops `rewind` positions, appends `tokens`, then chooses `count` tokens one after
   * the other in the worker, each fed back before the next but the last (so the sequence ends
   * holding `tokens` and the first count − 1 choices). A speculative draft's k proposals in one
   * message instead of k.
   */
  async propose(
    handle: SequenceHandle,
    tokens: readonly number[],
    options: ProposeOptions,
  ): Promise<DecoderProposal> {
    this.#admit('propose()');
    const where = `decoder "${this.name}": propose()`;
    handle = sequenceHandle(where, handle);
    const ids = tokenIds(where, 'tokens', tokens);
    if (ids.length === 0) refuse(where, 'tokens', 'a non-empty array of token ids', ids);
    const checked = proposeOptions(where, options);
    const record = this.#usable(handle);
    if (record.rows !== 1) {
      refuse(where, 'handle', 'a sequence of one row', `a sequence of ${record.rows} rows`);
    }
    this.#checkIds('tokens', [ids]);
    const added = ids.length + checked.count - 1;
    this.#checkContext(record.length - checked.rewind, added);
    this.#checkBudget(added * this.bytesPerToken, 'propose');
    const { generation } = handle;
    const answer = await this.#ask(record, 'propose', (id) => ({
      type: 'propose',
      id,
      seq: record.id,
      generation,
      tokens: ids,
      ...checked,
    }));
    return {
      sequence: answer.sequence,
      tokens: answer.proposals!,
      ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
    };
  }

  /** Beams: row i of the result is row `rows[i]` now; repeating an index forks that row. */
  async reorder(handle: SequenceHandle, rows: readonly number[]): Promise<SequenceHandle> {
    this.#admit('reorder()');
    const where = `decoder "${this.name}": reorder()`;
    handle = sequenceHandle(where, handle);
    rows = tokenIds(where, 'rows', rows);
    if (rows.length === 0) refuse(where, 'rows', 'a non-empty array of row indices', rows);
    const record = this.#usable(handle);
    const added = rows.length - record.rows;
    if (added > 0) this.#checkBudget(added * record.length * this.bytesPerToken, 'reorder');
    const { generation } = handle;
    const order = [...rows];
    const step = await this.#ask(record, 'reorder', (id) => ({
      type: 'reorder',
      id,
      seq: record.id,
      generation,
      rows: order,
    }));
    return step.sequence;
  }

  /** Drops the last `count` positions of every row. */
  async rewind(handle: SequenceHandle, count: number): Promise<SequenceHandle> {
    this.#admit('rewind()');
    const where = `decoder "${this.name}": rewind()`;
    handle = sequenceHandle(where, handle);
    count = integer(where, 'count', count, 0);
    const record = this.#usable(handle);
    const { generation } = handle;
    const step = await this.#ask(record, 'rewind', (id) => ({
      type: 'rewind',
      id,
      seq: record.id,
      generation,
      count,
    }));
    return step.sequence;
  }

  /** Drops a sequence's state. Closing one already closed, evicted or lost does nothing. */
  async closeSequence(handle: SequenceHandle): Promise<void> {
    const record = this.#sequences.get(handle.id);
    if (record?.state !== 'open') return;
    this.#retire(record, 'closed');
    if (!this.#holds(record.replica)) return;
    try {
      await this.#send(record.replica, 'closeSequence', (id) => ({
        type: 'close',
        id,
        seq: record.id,
      }));
    } catch {
      // A worker that died meanwhile took the state with it: closed either way.
    }
  }

  /** Where a sequence stands: open, or why it can no longer be used. */
  state(handle: SequenceHandle): 'open' | 'closed' | 'evicted' | 'crashed' {
    return (this.#sequences.get(handle.id) ?? this.#tombstones.get(handle.id))?.state ?? 'closed';
  }

  /** Tests (test-hooks.ts): the worker holding `where`'s sequence, or replica `where`, exits at its next message. */
  #injectFault(where: SequenceHandle | number): void {
    const replica =
      typeof where === 'number'
        ? this.#replicas[where]?.current
        : this.#sequences.get(where.id)?.replica;
    if (replica && this.#holds(replica)) replica.fault('exit');
  }

  health(): ActorHealth {
    const each = this.#replicas.map((core) => core.health());
    const running = each.every((h) => h.state === 'running');
    return {
      name: this.name,
      kind: 'model',
      state: this.#stopped ? 'stopped' : running ? 'running' : 'restarting',
      replicas: this.#replicas.length,
      alive: each.reduce((sum, h) => sum + h.alive, 0),
      queued: each.reduce((sum, h) => sum + h.queued, 0),
      inFlight: each.reduce((sum, h) => sum + h.inFlight, 0),
    };
  }

  /** Starts a fresh worker for replica `which` (or every replica) after `delayMs`. */
  #restart(which: number | 'all', delayMs: number): void {
    if (this.#stopped) return;
    for (const [index, core] of this.#replicas.entries()) {
      if (which === 'all' || which === index) core.restart(index, delayMs);
    }
  }

  /**
   * Closes the decoder: new messages are refused at once, every sequence is closed, messages in
   * flight get `graceMs` to be answered, then the workers are terminated.
   */
  close(graceMs?: number): Promise<void> {
    return this.#shutdown(
      new ActorStoppedError(`decoder "${this.name}" is closed`),
      graceMs,
      false,
    );
  }

  /** Stops every replica once; `failed`: it stopped for a reason (a spent restart budget). */
  #shutdown(reason: RoundtableError, graceMs: number | undefined, failed: boolean): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopped = reason;
      for (const record of [...this.#sequences.values()]) this.#retire(record, 'closed');
      await Promise.all(
        this.#replicas.map((core) =>
          graceMs === 0 ? core.stop(reason) : core.close(graceMs, () => reason),
        ),
      );
      this.#context.events.emit('actor:stopped', {
        actor: this.name,
        reason: failed ? serializeError(reason) : undefined,
      });
    })();
    return this.#closing;
  }

  /** True while `replica` is its slot's live worker (its sequences' state is still there). */
  #holds(replica: DecoderReplica): boolean {
    return this.#replicas[replica.index]?.current === replica;
  }

  #send(replica: DecoderReplica, method: string, build: (id: number) => Asked) {
    return ask(this.#replicas[replica.index]!, replica, method, build);
  }

  async #ask(
    record: SequenceRecord,
    method: string,
    build: (id: number) => Asked,
  ): Promise<DecoderStep & { proposals?: Int32Array }> {
    const capacity = this.#options.capacity ?? 64;
    const inFlight = this.#replicas[record.replica.index]!.calls.size;
    if (inFlight >= capacity) {
      this.#context.events.emit('mailbox:full', {
        actor: this.name,
        capacity,
        waiting: inFlight,
      });
      throw new MailboxFullError(
        `decoder "${this.name}": replica ${record.replica.index} has ${capacity} messages in flight, its capacity`,
      );
    }
    record.busy++;
    try {
      const answer = (await this.#send(record.replica, method, build)) as SequenceAnswer;
      this.#context.events.emit('actor:message', { actor: this.name, ms: undefined });
      if (record.state === 'open') {
        record.generation = answer.generation;
        record.rows = answer.rows;
        record.length = answer.length;
        record.bytes = answer.bytes;
      }
      return {
        sequence: this.#handle(record, answer),
        ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
        ...(answer.topIds ? { topIds: answer.topIds } : {}),
        ...(answer.topLogprobs ? { topLogprobs: answer.topLogprobs } : {}),
        ...(answer.proposals ? { proposals: answer.proposals } : {}),
      };
    } catch (error) {
      const typed = error as RoundtableError;
      this.#context.events.emit('actor:message', {
        actor: this.name,
        ms: undefined,
        code: serializeError(typed).code,
      });
      // A sequence whose worker died is lost; the crash is what every later use is told too.
      if (typed instanceof ActorCrashedError && record.state === 'open') {
        this.#retire(record, 'crashed', typed);
      }
      throw typed;
    } finally {
      record.busy--;
      this.#armIdle(record);
    }
  }

  #handle(record: SequenceRecord, answer: SequenceAnswer): SequenceHandle {
    return {
      actor: this.name,
      id: record.id,
      generation: answer.generation,
      rows: answer.rows,
      length: answer.length,
    };
  }

  /** The record behind a handle, if the sequence can still take a message. */
  /** Once the runtime's close() began, only the runs it admitted before still step sequences. */
  #admit(what: string): void {
    const refused = this.#context.admission?.refusal(this.name, what);
    if (refused) throw refused;
  }

  #usable(handle: SequenceHandle): SequenceRecord {
    if (this.#stopped) throw this.#stopped;
    if (handle.actor !== this.name) {
      throw new FeedError(
        `decoder "${this.name}": the sequence handle belongs to decoder "${handle.actor}"`,
      );
    }
    const tombstone = this.#tombstones.get(handle.id);
    if (tombstone) throw tombstone.error!;
    const record = this.#sequences.get(handle.id);
    if (!record) {
      throw new SequenceClosedError(`decoder "${this.name}": sequence ${handle.id} is not open`);
    }
    if (record.state !== 'open') throw record.error!;
    if (handle.generation !== record.generation) {
      throw new StaleSequenceError(
        `decoder "${this.name}": sequence ${record.id} is at generation ${record.generation}, the handle is for ${handle.generation}`,
      );
    }
    return record;
  }

  #checkIds(what: string, rows: readonly (readonly number[])[]): void {
    for (const row of rows) {
      for (const id of row) {
        if (!Number.isInteger(id) || id < 0 || id >= this.vocab) {
          throw new FeedError(
            `decoder "${this.name}": ${what} holds ${id}; token ids are integers in [0, ${this.vocab})`,
          );
        }
      }
    }
  }

  /** Positions past the model's context would index past its position table: refused here. */
  #checkContext(length: number, adding: number): void {
    const context = this.folder.contextLength;
    if (context !== undefined && length + adding > context) {
      throw new FeedError(
        `decoder "${this.name}": ${length} + ${adding} positions are past the model's context length of ${context}`,
      );
    }
  }

  #checkBudget(adding: number, what: string): void {
    const limit = this.#options.budgetBytes;
    if (limit === undefined) return;
    const now = this.bytes;
    if (now + adding > limit) {
      throw new DecoderBudgetError(
        `decoder "${this.name}": ${what} would hold ${now + adding} bytes of cache, over its budget of ${limit} (${now} held by ${this.#sequences.size} sequences)`,
      );
    }
  }

  async #pickReplica(): Promise<DecoderReplica> {
    for (;;) {
      if (this.#stopped) throw this.#stopped;
      let best: DecoderReplica | undefined;
      let fewest = Number.POSITIVE_INFINITY;
      for (const core of this.#replicas) {
        const replica = core.current;
        if (!replica) continue;
        let count = 0;
        for (const record of this.#sequences.values()) if (record.replica === replica) count++;
        if (count < fewest) {
          fewest = count;
          best = replica;
        }
      }
      if (best) return best;
      // Every replica is being restarted: wait for the first back (or for the decoder to stop).
      const upcoming = this.#replicas.flatMap((core) => (core.upcoming ? [core.upcoming] : []));
      if (upcoming.length === 0)
        throw this.#stopped ?? new ActorStoppedError(`decoder "${this.name}" has no replica`);
      await Promise.race(upcoming).catch(() => undefined);
    }
  }

  #armIdle(record: SequenceRecord): void {
    const idleMs = this.#options.idleMs;
    if (idleMs === undefined || record.state !== 'open') return;
    if (record.timer) clearTimeout(record.timer);
    record.timer = setTimeout(() => {
      record.timer = undefined;
      if (record.state !== 'open') return;
      if (record.busy > 0) return; // its answer re-arms the deadline
      this.#retire(
        record,
        'evicted',
        new SequenceEvictedError(
          `decoder "${this.name}": sequence ${record.id} was evicted after ${idleMs} ms idle; open it again`,
        ),
      );
      if (this.#holds(record.replica)) {
        void this.#send(record.replica, 'closeSequence', (id) => ({
          type: 'close',
          id,
          seq: record.id,
        })).catch(() => undefined);
      }
    }, idleMs);
    record.timer.unref();
  }

  #retire(record: SequenceRecord, state: Exclude<SequenceState, 'open'>, error?: RoundtableError) {
    record.state = state;
    record.bytes = 0;
    record.error =
      error ?? new SequenceClosedError(`decoder "${this.name}": sequence ${record.id} was closed`);
    if (record.timer) clearTimeout(record.timer);
    record.timer = undefined;
    this.#sequences.delete(record.id);
    if (state === 'closed') return;
    this.#tombstones.set(record.id, record);
    if (this.#tombstones.size > TOMBSTONES) {
      this.#tombstones.delete(this.#tombstones.keys().next().value as number);
    }
  }

  #forget(record: SequenceRecord): void {
    if (record.timer) clearTimeout(record.timer);
    this.#sequences.delete(record.id);
  }

  /** A worker died unexpectedly: the sequences pinned to it died with it. */
  #lost(replica: DecoderReplica, exitCode: number): void {
    const error = new ActorCrashedError(
      `decoder "${this.name}": the worker of replica ${replica.index} died (exit code ${exitCode}); the sequences it held are lost`,
    );
    for (const record of [...this.#sequences.values()]) {
      if (record.replica === replica && record.state === 'open') {
        this.#retire(record, 'crashed', error);
      }
    }
  }
}

/** Evicted or lost sequences remembered for their precise error. */
const TOMBSTONES = 4096;

function workerData(
  name: string,
  context: ActorContext,
  options: DecoderOptions,
  folder: DecoderFolder,
) {
  return {
    actor: name,
    folder,
    nice: context.workerNice ?? 0,
    faultInjection: faultInjectionOf(options),
    ...(options.intraOpNumThreads !== undefined
      ? { intraOpNumThreads: options.intraOpNumThreads }
      : {}),
  };
}

/** The options of an open or step as the worker takes them; a bad `positions` is refused here. */
function stepFields(
  actor: string,
  options: StepOptions,
): { topK?: number; positions?: StepPositions } {
  const { topK, positions } = options;
  if (positions !== undefined && positions !== 'last' && positions !== 'all') {
    throw new RangeError(
      `decoder "${actor}": positions must be 'last' or 'all', got ${JSON.stringify(positions)}`,
    );
  }
  return {
    ...(topK !== undefined ? { topK } : {}),
    ...(positions !== undefined ? { positions } : {}),
  };
}

function asRows(
  ids: readonly number[] | readonly (readonly number[])[],
): readonly (readonly number[])[] {
  return Array.isArray(ids[0])
    ? (ids as readonly (readonly number[])[])
    : [ids as readonly number[]];
}
