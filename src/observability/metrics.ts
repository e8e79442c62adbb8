import type { EventEmitter } from 'eventemitter3';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RuntimeEvents } from '../actor/events.js';
import type { ActorHealth } from '../actor/supervision/supervisable.js';
import type { ArenaStats } from '../tensor/index.js';
import { PendingMessages } from './pending-messages.js';

/** What the metrics read when they are scraped. */
export interface MetricSources {
  readonly actors: () => readonly ActorHealth[];
  readonly arena: () => ArenaStats;
}

/** Seconds: from a tenth of a millisecond (a tiny model) to ten seconds (a slow plan). */
const BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

/** Answers written down before they are folded into the metrics (see pending-messages.ts). */
const PENDING_ANSWERS = 256;

/**
 * Label objects of one or two labels, made once per value and reused: folding in what is pending
 * (see pending-messages.ts) then builds no object per answer. prom-client only reads them; there
 * are as many as the metrics have label sets.
 */
class Labels {
  readonly #first: string;
  readonly #second: string | undefined;
  readonly #made = new Map<string, Map<string, Readonly<Record<string, string>>>>();

  constructor(first: string, second?: string) {
    this.#first = first;
    this.#second = second;
  }

  of(first: string, second = ''): Readonly<Record<string, string>> {
    let seconds = this.#made.get(first);
    if (!seconds) {
      seconds = new Map();
      this.#made.set(first, seconds);
    }
    let labels = seconds.get(second);
    if (!labels) {
      labels = Object.freeze(
        this.#second === undefined
          ? { [this.#first]: first }
          : { [this.#first]: first, [this.#second]: second },
      );
      seconds.set(second, labels);
    }
    return labels;
  }
}

/**
 * Counts by label set (the objects {@link Labels} made, one per set), added to a counter in one
 * `inc` per set: a fold of 256 answers of one actor then hashes its labels once, not 256 times.
 */
class Tally {
  readonly #counts = new Map<Readonly<Record<string, string>>, number>();

  add(labels: Readonly<Record<string, string>>): void {
    this.#counts.set(labels, (this.#counts.get(labels) ?? 0) + 1);
  }

  addTo(counter: Counter): void {
    for (const [labels, count] of this.#counts) counter.inc(labels, count);
    this.#counts.clear();
  }
}

/**
 * The runtime's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two runtimes in one process do not mix): counters and histograms fed by the runtime's events,
 * gauges read from the actors and the arena at scrape time.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();

  constructor(events: EventEmitter<RuntimeEvents>, sources: MetricSources) {
    const registers = [this.registry];
    // Each message's answer is counted when the metrics are read (see pending-messages.ts): the
    // three metrics it feeds fold in what is pending before they are read.
    const byActor = new Labels('actor');
    const byOutcome = new Labels('actor', 'outcome');
    const byCode = new Labels('actor', 'code');
    const messageCounts = new Tally();
    const answered = new PendingMessages(
      PENDING_ANSWERS,
      (actor, ms, code) => {
        if (ms !== undefined) runSeconds.observe(byActor.of(actor), ms / 1000);
        messageCounts.add(byOutcome.of(actor, code ?? 'ok'));
        if (code) errors.inc(byCode.of(actor, code));
      },
      () => messageCounts.addTo(messages),
    );
    const collect = () => answered.flush();
    // A round's end is written down the same way, and for the same reason: a plan of tiny models
    // settles thousands of rounds a second on the caller's thread.
    const byPlan = new Labels('plan');
    const byPlanOutcome = new Labels('plan', 'outcome');
    const roundCounts = new Tally();
    const roundsEnded = new PendingMessages(
      PENDING_ANSWERS,
      (plan, ms, code) => {
        roundCounts.add(byPlanOutcome.of(plan, code ?? 'settled'));
        roundSeconds.observe(byPlan.of(plan), (ms ?? 0) / 1000);
      },
      () => roundCounts.addTo(rounds),
    );
    const collectRounds = () => roundsEnded.flush();
    const runSeconds = new Histogram({
      name: 'roundtable_actor_run_seconds',
      help: 'Time a message ran on an actor worker, answered or not',
      labelNames: ['actor'],
      buckets: BUCKETS,
      registers,
      collect,
    });
    const messages = new Counter({
      name: 'roundtable_actor_messages_total',
      help: 'Messages answered, by outcome (ok, or the error code)',
      labelNames: ['actor', 'outcome'],
      registers,
      collect,
    });
    const errors = new Counter({
      name: 'roundtable_actor_errors_total',
      help: 'Messages answered with an error, by error code',
      labelNames: ['actor', 'code'],
      registers,
      collect,
    });
    const restarts = new Counter({
      name: 'roundtable_actor_restarts_total',
      help: 'Workers restarted after a death or by a supervisor strategy',
      labelNames: ['actor'],
      registers,
    });
    const exits = new Counter({
      name: 'roundtable_actor_unexpected_exits_total',
      help: 'Workers that died without being asked to',
      labelNames: ['actor'],
      registers,
    });
    const deadLetters = new Counter({
      name: 'roundtable_dead_letters_total',
      help: 'Messages addressed to a stopped actor',
      labelNames: ['actor'],
      registers,
    });
    const mailboxFull = new Counter({
      name: 'roundtable_mailbox_full_total',
      help: 'Senders refused or parked by a full mailbox',
      labelNames: ['actor'],
      registers,
    });
    const reclaimed = new Counter({
      name: 'roundtable_arena_reclaimed_bytes_total',
      help: 'Arena bytes written by workers that died before handing them over, given back',
      labelNames: ['actor'],
      registers,
    });
    const rounds = new Counter({
      name: 'roundtable_plan_rounds_total',
      help: 'Rounds run, by outcome (settled, or the error code)',
      labelNames: ['plan', 'outcome'],
      registers,
      collect: collectRounds,
    });
    const roundSeconds = new Histogram({
      name: 'roundtable_plan_round_seconds',
      help: 'Time a round took, settled or failed',
      labelNames: ['plan'],
      buckets: BUCKETS,
      registers,
      collect: collectRounds,
    });
    const retries = new Counter({
      name: 'roundtable_plan_step_retries_total',
      help: 'Steps run again after their actor crashed under them',
      labelNames: ['plan', 'actor'],
      registers,
    });
    const remoteCalls = new Counter({
      name: 'roundtable_remote_calls_total',
      help: 'Calls to actors served by other processes, by transport and outcome (ok, or the error code)',
      labelNames: ['actor', 'transport', 'outcome'],
      registers,
    });
    const remoteSeconds = new Histogram({
      name: 'roundtable_remote_call_seconds',
      help: 'Time from sending a remote call to its answer, answered or not',
      labelNames: ['actor', 'transport'],
      buckets: BUCKETS,
      registers,
    });
    new Gauge({
      name: 'roundtable_actor_queue_length',
      help: 'Messages waiting for an actor (mailbox, or calls waiting for a restart)',
      labelNames: ['actor'],
      registers,
      collect() {
        this.reset();
        for (const actor of sources.actors()) this.set({ actor: actor.name }, actor.queued);
      },
    });
    new Gauge({
      name: 'roundtable_actor_in_flight',
      help: 'Messages running on an actor worker',
      labelNames: ['actor'],
      registers,
      collect() {
        this.reset();
        for (const actor of sources.actors()) this.set({ actor: actor.name }, actor.inFlight);
      },
    });
    new Gauge({
      name: 'roundtable_actor_replicas_alive',
      help: 'Workers of an actor alive now',
      labelNames: ['actor'],
      registers,
      collect() {
        this.reset();
        for (const actor of sources.actors()) this.set({ actor: actor.name }, actor.alive);
      },
    });
    new Gauge({
      name: 'roundtable_actor_up',
      help: '1 while an actor is not stopped',
      labelNames: ['actor', 'state'],
      registers,
      collect() {
        this.reset();
        for (const actor of sources.actors()) {
          this.set({ actor: actor.name, state: actor.state }, actor.state === 'stopped' ? 0 : 1);
        }
      },
    });
    new Gauge({
      name: 'roundtable_arena_bytes_in_use',
      help: 'Bytes in live arena blocks, all threads',
      registers,
      collect() {
        this.set(sources.arena().bytesInUse);
      },
    });
    new Gauge({
      name: 'roundtable_arena_bytes_reserved',
      help: 'Bytes of tensor data in all arena slabs',
      registers,
      collect() {
        this.set(sources.arena().bytesReserved);
      },
    });

    events.on('actor:message', ({ actor, ms, code }) => answered.add(actor, ms, code));
    events.on('remote:call', ({ actor, transport, ms, code }) => {
      remoteCalls.inc({ actor, transport, outcome: code ?? 'ok' });
      remoteSeconds.observe({ actor, transport }, ms / 1000);
    });
    events.on('actor:restarted', ({ actor }) => restarts.inc({ actor }));
    events.on('actor:exited', ({ actor, expected }) => {
      if (!expected) exits.inc({ actor });
    });
    events.on('dead-letter', ({ actor }) => deadLetters.inc({ actor }));
    events.on('mailbox:full', ({ actor }) => mailboxFull.inc({ actor }));
    events.on('arena:reclaimed', ({ actor, bytes }) => reclaimed.inc({ actor }, bytes));
    events.on('round:settled', ({ plan, ms }) => roundsEnded.add(plan, ms, undefined));
    events.on('round:failed', ({ plan, ms, code }) => roundsEnded.add(plan, ms, code));
    events.on('round:retried', ({ plan, actor }) => retries.inc({ plan, actor }));
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
