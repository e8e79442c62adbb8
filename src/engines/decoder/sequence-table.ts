import {
  FeedError,
  type RoundtableError,
  SequenceClosedError,
  SequenceEvictedError,
  StaleSequenceError,
} from '../../errors.js';
import type { SequenceAnswer } from './decoder-protocol.js';
import type { DecoderReplica } from './decoder-replica.js';
import type { DecoderStep, SequenceHandle } from './decoder-types.js';

export type SequenceState = 'open' | 'closed' | 'evicted' | 'crashed';

export interface SequenceRecord {
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

/** Evicted or lost sequences remembered for their precise error. */
const TOMBSTONES = 4096;

/**
 * A decoder actor's sequences as its main thread knows them: each pinned to the replica (worker)
 * that opened it, its generation (so an older handle is refused), the bytes of cache it holds,
 * its eviction after `idleMs` untouched, and what is told to a message for one no longer open.
 */
export class SequenceTable {
  readonly #actor: string;
  readonly #idleMs: number | undefined;
  /** Told when a sequence was evicted, so its worker drops the state. */
  readonly #evicted: (record: SequenceRecord) => void;
  /** Open sequences (and those with a message still running). */
  readonly #open = new Map<number, SequenceRecord>();
  /**
   * Sequences evicted or lost with their worker, kept so that a later message gets the precise
   * error; the oldest go first past {@link TOMBSTONES}, after which a message gets
   * SequenceClosedError.
   */
  readonly #tombstones = new Map<number, SequenceRecord>();
  #next = 1;

  constructor(
    actor: string,
    idleMs: number | undefined,
    evicted: (record: SequenceRecord) => void,
  ) {
    this.#actor = actor;
    this.#idleMs = idleMs;
    this.#evicted = evicted;
  }

  /** Bytes of cache the open sequences hold now. */
  get bytes(): number {
    let bytes = 0;
    for (const record of this.#open.values()) bytes += record.bytes;
    return bytes;
  }

  /** Sequences open now. */
  get size(): number {
    return this.#open.size;
  }

  /** A new sequence of `rows` rows pinned to `replica`, open with nothing in its cache yet. */
  create(replica: DecoderReplica, rows: number): SequenceRecord {
    const record: SequenceRecord = {
      id: this.#next++,
      replica,
      state: 'open',
      generation: 0,
      rows,
      length: 0,
      bytes: 0,
      busy: 0,
      timer: undefined,
    };
    this.#open.set(record.id, record);
    return record;
  }

  /** The open sequence `id`, if it is. */
  get(id: number): SequenceRecord | undefined {
    return this.#open.get(id);
  }

  /** Where sequence `id` stands: open, or why it can no longer be used. */
  state(id: number): SequenceState {
    return (this.#open.get(id) ?? this.#tombstones.get(id))?.state ?? 'closed';
  }

  /** How many open sequences `replica` holds. */
  pinnedTo(replica: DecoderReplica): number {
    let count = 0;
    for (const record of this.#open.values()) if (record.replica === replica) count++;
    return count;
  }

  /** The record behind a handle, if the sequence can still take a message. */
  usable(handle: SequenceHandle): SequenceRecord {
    if (handle.actor !== this.#actor) {
      throw new FeedError(
        `decoder "${this.#actor}": the sequence handle belongs to decoder "${handle.actor}"`,
      );
    }
    const tombstone = this.#tombstones.get(handle.id);
    if (tombstone) throw tombstone.error!;
    const record = this.#open.get(handle.id);
    if (!record) {
      throw new SequenceClosedError(`decoder "${this.#actor}": sequence ${handle.id} is not open`);
    }
    if (record.state !== 'open') throw record.error!;
    if (handle.generation !== record.generation) {
      throw new StaleSequenceError(
        `decoder "${this.#actor}": sequence ${record.id} is at generation ${record.generation}, the handle is for ${handle.generation}`,
      );
    }
    return record;
  }

  /**
   * A message's answer: an open record follows the worker's state of the sequence, and the caller
   * gets the handle for that state with what the worker computed.
   */
  answered(
    record: SequenceRecord,
    answer: SequenceAnswer,
  ): DecoderStep & { proposals?: Int32Array } {
    if (record.state === 'open') {
      record.generation = answer.generation;
      record.rows = answer.rows;
      record.length = answer.length;
      record.bytes = answer.bytes;
    }
    return {
      sequence: {
        actor: this.#actor,
        id: record.id,
        generation: answer.generation,
        rows: answer.rows,
        length: answer.length,
      },
      ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
      ...(answer.topIds ? { topIds: answer.topIds } : {}),
      ...(answer.topLogprobs ? { topLogprobs: answer.topLogprobs } : {}),
      ...(answer.proposals ? { proposals: answer.proposals } : {}),
    };
  }

  /** (Re)starts the idle clock of an open sequence that no message is running on. */
  armIdle(record: SequenceRecord): void {
    const idleMs = this.#idleMs;
    if (idleMs === undefined || record.state !== 'open') return;
    if (record.timer) clearTimeout(record.timer);
    record.timer = setTimeout(() => {
      record.timer = undefined;
      if (record.state !== 'open') return;
      if (record.busy > 0) return; // its answer re-arms the deadline
      this.retire(
        record,
        'evicted',
        new SequenceEvictedError(
          `decoder "${this.#actor}": sequence ${record.id} was evicted after ${idleMs} ms idle; open it again`,
        ),
      );
      this.#evicted(record);
    }, idleMs);
    record.timer.unref();
  }

  /** A sequence no longer usable; an evicted or lost one is remembered for its error. */
  retire(record: SequenceRecord, state: Exclude<SequenceState, 'open'>, error?: RoundtableError) {
    record.state = state;
    record.bytes = 0;
    record.error =
      error ??
      new SequenceClosedError(`decoder "${this.#actor}": sequence ${record.id} was closed`);
    if (record.timer) clearTimeout(record.timer);
    record.timer = undefined;
    this.#open.delete(record.id);
    if (state === 'closed') return;
    this.#tombstones.set(record.id, record);
    if (this.#tombstones.size > TOMBSTONES) {
      this.#tombstones.delete(this.#tombstones.keys().next().value as number);
    }
  }

  /** Every open sequence closed (the actor is closing). */
  closeAll(): void {
    for (const record of [...this.#open.values()]) this.retire(record, 'closed');
  }

  /** A sequence whose open failed before any state was kept: as if never opened. */
  forget(record: SequenceRecord): void {
    if (record.timer) clearTimeout(record.timer);
    this.#open.delete(record.id);
  }

  /** The sequences pinned to `replica` died with its worker: each is told `error` from now on. */
  lost(replica: DecoderReplica, error: RoundtableError): void {
    for (const record of [...this.#open.values()]) {
      if (record.replica === replica && record.state === 'open') {
        this.retire(record, 'crashed', error);
      }
    }
  }
}
