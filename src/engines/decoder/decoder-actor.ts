import { name as checkName, field, integer, refuse, tokenIds } from '../../actor/arguments.js';
import type { ActorContext } from '../../actor/context.js';
import { ownPolicy } from '../../actor/supervision/own-policy.js';
import type { ActorHealth, DeathHandler } from '../../actor/supervision/supervisable.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  MailboxFullError,
  type RoundtableError,
  serializeError,
} from '../../errors.js';
import { registerTestHooks } from '../test-hooks.js';
import { proposeOptions, sequenceHandle, stepOptions, tokenRows } from './decoder-arguments.js';
import { checkBudget, checkContext, checkIds } from './decoder-limits.js';
import {
  asRows,
  closeMessage,
  type MessageBuilder,
  openMessage,
  proposeMessage,
  reorderMessage,
  rewindMessage,
  stepFields,
  stepMessage,
} from './decoder-messages.js';
import { checkDecoderOptions } from './decoder-options.js';
import type { SequenceAnswer } from './decoder-protocol.js';
import { ask, type DecoderReplica, type ReplicaCore } from './decoder-replica.js';
import type {
  DecoderOptions,
  DecoderProposal,
  DecoderStep,
  ProposeOptions,
  SequenceHandle,
  StepOptions,
} from './decoder-types.js';
import { type DecoderFolder, readModelFolder } from './model-folder.js';
import { pickReplica } from './replica-choice.js';
import { type SequenceRecord, type SequenceState, SequenceTable } from './sequence-table.js';
import { startReplicas } from './start-replicas.js';

// What callers pass and get is declared in decoder-types.ts; importers of the actor see it here too.
export type * from './decoder-types.js';

/**
 * A decoder on worker threads that keeps each open sequence's key/value cache between steps, so a
 * step costs one token's work, not the window's. A sequence is pinned to the replica that opened
 * it; the actor sums the caches against its byte budget and evicts sequences left idle.
 *
 * Each replica slot stands on the worker-actor core (decoder-replica.ts): spawn, ready handshake,
 * exactly-once answers, death, restart, close. The sequences, their pinning, generations and
 * eviction are a {@link SequenceTable} (sequence-table.ts); the checks before a message leaves are
 * in decoder-limits.ts, the messages themselves in decoder-messages.ts. This class is the public
 * surface over them: each method checks its arguments, picks the replica and asks it.
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
  readonly #sequences: SequenceTable;
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
    this.#sequences = new SequenceTable(name, options.idleMs, (record) => {
      // The worker drops an evicted sequence's state.
      if (this.#holds(record.replica)) {
        void this.#send(record.replica, 'closeSequence', closeMessage(record.id)).catch(
          () => undefined,
        );
      }
    });
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
    // Checked here too, not only by the runtime's spawnDecoder: spawn may be called directly.
    const where = `DecoderActor.spawn("${String(name)}")`;
    checkName(where, 'name', name);
    options = checkDecoderOptions(where, options);
    const folder =
      typeof options.folder === 'string' ? readModelFolder(options.folder) : options.folder;
    let actor: DecoderActor | undefined;
    const cores = await startReplicas(name, context, options, folder, (death) => {
      // A death before the actor exists (its other replicas still loading) is not restarted:
      // the spawn has not succeeded yet.
      if (actor) actor.#onDeath(death);
    });
    actor = new DecoderActor(name, context, options, folder, cores);
    return actor;
  }

  /** Bytes of cache the actor's open sequences hold now. */
  get bytes(): number {
    return this.#sequences.bytes;
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
    const record = this.#sequences.create(replica, rows.length);
    const fields = stepFields(this.name, options);
    const sourceRows = options.source ? asRows(options.source) : undefined;
    try {
      return await this.#ask(record, 'open', openMessage(record.id, rows, sourceRows, fields));
    } catch (error) {
      if (record.state === 'open' && record.generation === 0) this.#sequences.forget(record);
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
    return this.#ask(
      record,
      'step',
      stepMessage(record.id, handle.generation, rows, fields, rewind),
    );
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
    const answer = await this.#ask(
      record,
      'propose',
      proposeMessage(record.id, handle.generation, ids, checked),
    );
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
    const step = await this.#ask(
      record,
      'reorder',
      reorderMessage(record.id, handle.generation, [...rows]),
    );
    return step.sequence;
  }

  /** Drops the last `count` positions of every row. */
  async rewind(handle: SequenceHandle, count: number): Promise<SequenceHandle> {
    this.#admit('rewind()');
    const where = `decoder "${this.name}": rewind()`;
    handle = sequenceHandle(where, handle);
    count = integer(where, 'count', count, 0);
    const record = this.#usable(handle);
    const step = await this.#ask(
      record,
      'rewind',
      rewindMessage(record.id, handle.generation, count),
    );
    return step.sequence;
  }

  /** Drops a sequence's state. Closing one already closed, evicted or lost does nothing. */
  async closeSequence(handle: SequenceHandle): Promise<void> {
    const record = this.#sequences.get(handle.id);
    if (record?.state !== 'open') return;
    this.#sequences.retire(record, 'closed');
    if (!this.#holds(record.replica)) return;
    try {
      await this.#send(record.replica, 'closeSequence', closeMessage(record.id));
    } catch {
      // A worker that died meanwhile took the state with it: closed either way.
    }
  }

  /** Where a sequence stands: open, or why it can no longer be used. */
  state(handle: SequenceHandle): SequenceState {
    return this.#sequences.state(handle.id);
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
      this.#sequences.closeAll();
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

  #send(replica: DecoderReplica, method: string, build: MessageBuilder) {
    return ask(this.#replicas[replica.index]!, replica, method, build);
  }

  async #ask(
    record: SequenceRecord,
    method: string,
    build: MessageBuilder,
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
      return this.#sequences.answered(record, answer);
    } catch (error) {
      const typed = error as RoundtableError;
      this.#context.events.emit('actor:message', {
        actor: this.name,
        ms: undefined,
        code: serializeError(typed).code,
      });
      // A sequence whose worker died is lost; the crash is what every later use is told too.
      if (typed instanceof ActorCrashedError && record.state === 'open') {
        this.#sequences.retire(record, 'crashed', typed);
      }
      throw typed;
    } finally {
      record.busy--;
      this.#sequences.armIdle(record);
    }
  }

  /** Once the runtime's close() began, only the runs it admitted before still step sequences. */
  #admit(what: string): void {
    const refused = this.#context.admission?.refusal(this.name, what);
    if (refused) throw refused;
  }

  /** The record behind a handle, if the sequence can still take a message. */
  #usable(handle: SequenceHandle): SequenceRecord {
    if (this.#stopped) throw this.#stopped;
    return this.#sequences.usable(handle);
  }

  #checkIds(what: string, rows: readonly (readonly number[])[]): void {
    checkIds(this.name, this.vocab, what, rows);
  }

  #checkContext(length: number, adding: number): void {
    checkContext(this.name, this.folder.contextLength, length, adding);
  }

  #checkBudget(adding: number, what: string): void {
    const sequences = this.#sequences;
    checkBudget(
      this.name,
      this.#options.budgetBytes,
      sequences.bytes,
      sequences.size,
      adding,
      what,
    );
  }

  #pickReplica(): Promise<DecoderReplica> {
    return pickReplica(this.name, this.#replicas, this.#sequences, () => this.#stopped);
  }

  /** A worker died unexpectedly: the sequences pinned to it died with it. */
  #lost(replica: DecoderReplica, exitCode: number): void {
    const error = new ActorCrashedError(
      `decoder "${this.name}": the worker of replica ${replica.index} died (exit code ${exitCode}); the sequences it held are lost`,
    );
    this.#sequences.lost(replica, error);
  }
}
