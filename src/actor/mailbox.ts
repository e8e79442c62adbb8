import { AbortError, MailboxFullError } from '../errors.js';

/** What a full mailbox does with one more message: refuse it at once, or make the sender wait. */
export type OverflowPolicy = 'reject' | 'wait';

export interface MailboxOptions {
  /**
   * Messages that may wait for a replica; in-flight messages do not count. Default
   * {@link DEFAULT_MAILBOX_CAPACITY}.
   */
  readonly capacity?: number;
  /** Default 'reject'. */
  readonly overflow?: OverflowPolicy;
}

/**
 * Enough for a service's bursts (hundreds of concurrent requests per actor) while memory stays
 * bounded: a queued message holds its envelope, and a model actor's run() writes its feeds into
 * the arena only when a replica takes it.
 */
export const DEFAULT_MAILBOX_CAPACITY = 1024;

interface Waiter<T> {
  readonly item: T;
  readonly admit: () => void;
  readonly refuse: (error: Error) => void;
  /** Stops listening to the sender's signal: the message was answered elsewhere. */
  readonly forget: () => void;
}

/**
 * A bounded FIFO of an actor's messages waiting for a free replica.
 *
 * Memory stays bounded under any load: past `capacity` a sender is either refused with a
 * {@link MailboxFullError} or parked until a message leaves (and a parked sender holds no slot,
 * only its own promise). The mailbox never answers messages itself; the actor does.
 */
export class Mailbox<T> {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly #owner: string;
  #items: T[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #onFull: (() => void) | undefined;

  constructor(owner: string, options: MailboxOptions = {}, onFull?: () => void) {
    const capacity = options.capacity ?? DEFAULT_MAILBOX_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `mailbox of actor "${owner}": capacity must be a positive integer, got ${capacity}`,
      );
    }
    const overflow = options.overflow ?? 'reject';
    if (overflow !== 'reject' && overflow !== 'wait') {
      throw new TypeError(
        `mailbox of actor "${owner}": overflow must be 'reject' or 'wait', got ${String(overflow)}`,
      );
    }
    this.#owner = owner;
    this.capacity = capacity;
    this.overflow = overflow;
    this.#onFull = onFull;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Senders parked by the 'wait' policy. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Admits a message at once if there is room: returns true. Otherwise the 'reject' policy throws
   * MailboxFullError, and the 'wait' policy returns a promise that resolves once a slot freed and
   * the message took it (a parked sender's message goes before any newcomer's), or rejects with
   * AbortError if the signal fires first. Admitting synchronously matters: a caller that sends
   * several messages in one tick sees them queued in order, and the actor can dispatch at once.
   */
  put(item: T, signal?: AbortSignal): true | Promise<void> {
    if (signal?.aborted)
      throw new AbortError(`message to actor "${this.#owner}" was aborted before it was sent`);
    if (this.size < this.capacity && this.#waiters.length === 0) {
      this.#items.push(item);
      return true;
    }
    this.#onFull?.();
    if (this.overflow === 'reject') {
      throw new MailboxFullError(
        `mailbox of actor "${this.#owner}" is full (capacity ${this.capacity}, ${this.size} waiting); ` +
          `size it with the actor's option mailbox.capacity (default ${DEFAULT_MAILBOX_CAPACITY}), or ` +
          `set mailbox.overflow to 'wait' to make senders wait for room`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<T> = {
        item,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        forget: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(
          new AbortError(
            `message to actor "${this.#owner}" was aborted while waiting for room in its mailbox`,
          ),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** The oldest message, or undefined when empty. Wakes one parked sender. */
  take(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined as T;
    this.#head++;
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#admitOne();
    return item;
  }

  /**
   * Takes a specific message out (answered while queued: timeout, abort), whether it holds a slot
   * or its sender is parked; a parked sender's promise is then left unsettled, its message having
   * been answered already.
   */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item, this.#head);
    if (at >= 0) {
      this.#items.splice(at, 1);
      this.#admitOne();
      return true;
    }
    const parked = this.#waiters.findIndex((waiter) => waiter.item === item);
    if (parked < 0) return false;
    this.#waiters.splice(parked, 1)[0]!.forget();
    return true;
  }

  /** A parked sender's message takes the freed slot before any newcomer can. */
  #admitOne(): void {
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    this.#items.push(waiter.item);
    waiter.admit();
  }

  /** Empties the mailbox, returning what was in it, and refuses every parked sender. */
  drain(error: Error): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    for (const waiter of this.#waiters.splice(0)) waiter.refuse(error);
    return items;
  }
}
