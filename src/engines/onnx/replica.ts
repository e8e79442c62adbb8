import type { ResourceLimits, Worker } from 'node:worker_threads';
import { ActorWorker, errorText } from '../../actor/core/actor-worker.js';
import type { Tenant } from '../../actor/core/worker-actor-core.js';
import type {
  FromWorker,
  IoMetadata,
  ModelFault,
  RunStats,
  ToWorker,
} from '../../actor/protocol.js';
import type { SlabExchange } from '../../actor/slab-exchange.js';
import { GUARD } from '../../actor/worker-guard.js';
import { ActorCrashedError, ModelLoadError, reviveError } from '../../errors.js';
import type { Arena, TensorDescriptor } from '../../tensor/index.js';
import { NeverStartedError, type Runner, type Settle } from './dispatcher.js';
import { AnswerTimes, AnswerWait } from './doorbell/answer-wait.js';
import {
  type AreaResult,
  createDoorbell,
  type DoorbellViews,
  doorbellViews,
  SLOTS,
  slotOf,
  WORD,
  writeRequest,
} from './doorbell/doorbell.js';
import { DoorbellAnswers } from './doorbell/doorbell-answers.js';
import { forgetDead } from './doorbell/doorbell-spin.js';
import type { ModelWorkerData, SessionOptions } from './model-worker-data.js';

export interface ReplicaReply {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
  /** Index of the replica that ran the message. */
  readonly replica: number;
}

/**
 * States of the guard word shared with a model worker (see worker-guard.ts): BUSY is "inside ONNX
 * Runtime". Terminating a worker there aborts the whole process.
 */
export const NATIVE_GUARD = {
  IDLE: GUARD.IDLE,
  NATIVE: GUARD.BUSY,
  TERMINATING: GUARD.TERMINATING,
};

export interface ReplicaOptions {
  readonly actor: string;
  readonly model: string | Uint8Array;
  readonly sessionOptions: SessionOptions;
  readonly arena: Arena;
  readonly slabs: SlabExchange;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly faultInjection: boolean;
  /** Runs go through an Atomics doorbell (see doorbell.ts) rather than postMessage. */
  readonly doorbell: boolean;
  /** Nice levels below the process the worker runs at (see src/util/thread-priority.ts). */
  readonly nice: number;
  /** The caller polls for answers expected soon (see answer-wait.ts). */
  readonly pollForAnswers: boolean;
  /** The runtime's count of model workers awake (see doorbell-spin.ts). */
  readonly awake: SharedArrayBuffer;
  /**
   * Takes a second message while one runs, written into the doorbell's other slot (see
   * doorbell.ts). Off for actors that batch: a batch goes on the port, alone.
   */
  readonly pipeline: boolean;
}

type Ready = Extract<FromWorker, { type: 'ready' }>;

interface InFlight {
  readonly id: number;
  /** A batch's message (runBatch), answered by a 'result-batch'; else a run's, by a 'result'. */
  readonly batch: boolean;
  /** Answers the message, once: with a ReplicaReply for a run, ReplicaReply[] for a batch. */
  readonly settle: Settle<never>;
  /** Its run number on the doorbell, once written there. */
  job: number | undefined;
}

/**
 * One worker thread running one ONNX Runtime session: the unit a model actor schedules onto.
 * The worker runs one message at a time (ONNX Runtime's run blocks its thread anyway); with the
 * doorbell, a second message waits in the doorbell's other slot, so the worker starts it the
 * moment it has answered the first, without waiting for this thread (`depth` 2). When the worker
 * dies, the message it was running is answered with an ActorCrashedError, and one it never
 * started with a NeverStartedError, which puts it back in line.
 *
 * Its life beyond that (restart, death to the supervision policy, reclaiming what it held, close)
 * is carried by the {@link WorkerActorCore} of its replica slot (see model-actor.ts); this class
 * keeps what is a model worker's own: the doorbell, the messages on it, the port's runs.
 */
export class Replica implements Runner<Record<string, TensorDescriptor>, ReplicaReply>, Tenant {
  readonly index: number;
  readonly actor: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  /** The worker's life: spawn, handshake, native guard, holdings, exit (see actor-worker.ts). */
  readonly life: ActorWorker<Ready>;
  readonly #worker: Worker;
  readonly #options: ReplicaOptions;
  /** Messages on this replica: sent to the worker, or held here until they can be (see #send). */
  readonly #inFlight = new Map<number, InFlight>();
  /** Messages sent on the port ('run', 'run-batch'): a doorbell run may not overlap them. */
  readonly #viaPort = new Set<number>();
  /** Accepted while the one way they could go was busy; sent in order when it frees. */
  readonly #held: { readonly id: number; readonly feeds: Record<string, TensorDescriptor> }[] = [];
  #alive = true;
  #terminating = false;
  readonly #bell: DoorbellViews | undefined;
  readonly #inputNames: readonly string[];
  readonly #outputNames: readonly string[];
  /** Last run sent through the doorbell. */
  #job = 0;
  /** The doorbell's answers, taken in run order (undefined on the postMessage path). */
  readonly #answers: DoorbellAnswers | undefined;
  /** How soon this replica's doorbell answers: whether the caller polls for the next answer. */
  readonly #answerTimes: AnswerTimes;
  /**
   * Whether this thread waits for the doorbell's next answer. One wait per replica, for the
   * oldest run not answered, however many runs the slots hold: the worker notifies DONE once per
   * answer, and every wait parked on it would wake for each (one wasted wake-up per answer and
   * per further run in flight).
   */
  #waiting = false;
  /** That one wait (undefined on the postMessage path), for run #awaitedJob, started at #waitStart. */
  readonly #answerWait: AnswerWait | undefined;
  #awaitedJob = 0;
  #waitStart = 0;

  private constructor(
    index: number,
    life: ActorWorker<Ready>,
    options: ReplicaOptions,
    doorbell: SharedArrayBuffer | undefined,
  ) {
    this.index = index;
    this.actor = options.actor;
    this.life = life;
    this.#worker = life.worker;
    this.#options = options;
    const ready = life.ready;
    this.inputs = ready.inputs;
    this.outputs = ready.outputs;
    this.#bell = doorbell ? doorbellViews(doorbell) : undefined;
    this.#inputNames = ready.inputs.map((input) => input.name);
    this.#outputNames = ready.outputs.map((output) => output.name);
    this.#answerTimes = new AnswerTimes(options.pollForAnswers);
    this.#answers = this.#bell
      ? new DoorbellAnswers(this.#bell, this.#outputNames, (slab) => options.arena.hasSlab(slab))
      : undefined;
    const words = this.#bell?.words;
    this.#answerWait = words
      ? new AnswerWait(
          words,
          WORD.DONE,
          () => Atomics.load(words, WORD.DONE) >= this.#awaitedJob || !this.#alive,
          () => this.#answerCame(),
        )
      : undefined;
    life.listen((message: FromWorker) => this.#receive(message));
    // Registered before the core adopts this replica, so its messages are answered before the
    // core hears of the exit and reclaims what the worker held.
    life.onExit((code) => this.#exit(code));
  }

  /** Starts the worker and waits until its session has loaded (or failed to). */
  static async start(index: number, options: ReplicaOptions): Promise<Replica> {
    const doorbell = options.doorbell ? createDoorbell() : undefined;
    const life = await ActorWorker.start<Ready>({
      actor: options.actor,
      entry: new URL('./model-worker.js', import.meta.url),
      data: (shares): ModelWorkerData => ({
        actor: options.actor,
        model: options.model,
        sessionOptions: options.sessionOptions,
        arena: options.arena.handle(),
        nativeGuard: shares.guard,
        holdings: shares.holdings,
        faultInjection: options.faultInjection,
        nice: options.nice,
        awake: options.awake,
        ...(doorbell ? { doorbell } : {}),
      }),
      resourceLimits: options.resourceLimits,
      slabs: options.slabs,
      diedStarting: (code, error) =>
        new ModelLoadError(
          `actor "${options.actor}": the model worker exited with code ${code} while starting${error ? `: ${errorText(error)}` : ''}`,
          { cause: error },
        ),
    });
    return new Replica(index, life, options, doorbell);
  }

  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  /** Messages it takes at once (see Runner.depth). */
  get depth(): number {
    return this.#bell && this.#options.pipeline ? SLOTS : 1;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** False once it is being ended (closed, retired, killed): no new message goes to it. */
  get available(): boolean {
    return this.#alive && !this.#terminating;
  }

  run(id: number, feeds: Record<string, TensorDescriptor>, settle: Settle<ReplicaReply>): void {
    if (!this.#alive) {
      settle(
        undefined,
        new ActorCrashedError(`actor "${this.actor}": replica ${this.index} is not running`),
      );
      return;
    }
    this.#inFlight.set(id, { id, batch: false, settle: settle as Settle<never>, job: undefined });
    if (this.#held.length > 0 || !this.#send(id, feeds)) this.#held.push({ id, feeds });
  }

  /**
   * The message was answered otherwise (its timeout or abort; see Runner.cancel). Held here, it is
   * dropped; waiting in the doorbell's slot behind the running one, it is marked so that the worker
   * skips it, and settled when the worker says so (#skipped), which keeps the slot counted until
   * the worker has passed it. A run the worker has started, or one on the port, goes on; its
   * outputs are freed when they come.
   */
  cancel(id: number): void {
    const flight = this.#inFlight.get(id);
    if (!flight || flight.batch) return;
    const held = this.#held.findIndex((h) => h.id === id);
    if (held >= 0) {
      this.#held.splice(held, 1);
      this.#inFlight.delete(id);
      flight.settle(undefined, this.#cancelled(id));
      return;
    }
    const bell = this.#bell;
    if (!bell || flight.job === undefined) return;
    // The worker reads the mark before it starts the run: a run already started is not stopped.
    Atomics.store(bell.words, WORD.CANCEL + slotOf(flight.job), flight.job);
  }

  /** A run the worker skipped: it was cancelled in its slot. */
  readonly #skipped = (job: number): void => {
    for (const flight of this.#inFlight.values()) {
      if (flight.job !== job) continue;
      this.#inFlight.delete(flight.id);
      flight.settle(undefined, this.#cancelled(flight.id));
      return;
    }
  };

  #cancelled(id: number): NeverStartedError {
    return new NeverStartedError(
      `actor "${this.actor}": replica ${this.index} dropped message ${id}, answered before it ran`,
    );
  }

  /**
   * Sends a message by the doorbell when a slot is free and no port run is in flight (the worker
   * runs one at a time), or on the port when nothing else is on the worker (feeds the doorbell
   * cannot carry: strings, many tensors). False when neither can take it now: it is held, and
   * sent when an answer frees the way (#sendHeld).
   */
  #send(id: number, feeds: Record<string, TensorDescriptor>): boolean {
    const bell = this.#bell;
    // Messages sent to the worker and not yet answered, besides this one (not in #held).
    const others = this.#inFlight.size - this.#held.length - 1;
    if (
      bell &&
      this.#viaPort.size === 0 &&
      this.#job - this.#answers!.answered < SLOTS &&
      writeRequest(bell.request[slotOf(this.#job + 1)]!, id, this.#inputNames, feeds)
    ) {
      const job = ++this.#job;
      // How soon answers come matters only to a caller that polls for them (answer-wait.ts).
      const start = this.#options.pollForAnswers ? performance.now() : 0;
      Atomics.store(bell.words, WORD.JOB, job);
      // The worker is woken first: the bookkeeping below runs while it starts.
      this.#ring(bell);
      this.#inFlight.get(id)!.job = job;
      if (!this.#waiting) this.#awaitAnswer(start);
      return true;
    }
    // The worker must have answered every doorbell run, taken or not, before a port run starts.
    if (others === 0 && (!bell || Atomics.load(bell.words, WORD.DONE) === this.#job)) {
      this.#viaPort.add(id);
      this.#post({ type: 'run', id, feeds });
      return true;
    }
    return false;
  }

  /** Sends what was held, in order; tried again each time an answer is taken or received. */
  #sendHeld(): void {
    while (this.#held.length > 0 && !this.#terminating) {
      const next = this.#held.shift()!;
      if (!this.#send(next.id, next.feeds)) {
        this.#held.unshift(next);
        return;
      }
    }
  }

  /**
   * Wakes the worker if it sleeps on the doorbell. A worker marked awake (running, spinning, or
   * between the two) is not notified: `Atomics.notify` costs this thread a few microseconds even
   * when nobody waits, and under load the worker is mostly awake when the next run is written.
   * Skipping it loses no run: the worker clears its mark before it sleeps, and sleeps only while
   * BELL still holds the value it read before its last look at JOB. So if this thread read the
   * mark after its bump, either the worker's wait finds BELL changed and returns at once, or its
   * next look at JOB (and its port) comes after this bump and sees what was sent.
   */
  #ring(bell: DoorbellViews): void {
    Atomics.add(bell.words, WORD.BELL, 1);
    if (Atomics.load(bell.words, WORD.AWAKE) === 1) return;
    Atomics.notify(bell.words, WORD.BELL);
  }

  /**
   * Waits for the answer of the oldest run not answered yet; its answers taken, waits again while
   * runs are left. #exit notifies DONE, so a wait ends when the worker dies too.
   */
  #awaitAnswer(start: number): void {
    this.#waiting = true;
    this.#awaitedJob = this.#answers!.answered + 1;
    this.#waitStart = start;
    this.#answerWait!.start(this.#answerTimes.pollUntil(start));
  }

  #answerCame(): void {
    this.#waiting = false;
    // A dead worker's last answers were taken by #exit, before its messages were failed.
    if (this.#alive) {
      if (this.#options.pollForAnswers)
        this.#answerTimes.record((performance.now() - this.#waitStart) * 1000);
      this.#takeAnswers();
    }
  }

  /**
   * Takes the doorbell's answers that are in (see DoorbellAnswers), sends what was held, and waits
   * for the next answer if runs are left on the worker. Not while an answer that is in waits for
   * its slab: the slab's message calls this again.
   */
  #takeAnswers(): void {
    const answers = this.#answers;
    const complete = answers?.take(this.#areaAnswer, this.#skipped) ?? false;
    this.#sendHeld();
    if (complete && this.#alive && !this.#waiting && answers!.answered < this.#job) {
      this.#awaitAnswer(this.#options.pollForAnswers ? performance.now() : 0);
    }
  }

  /** An answer taken from the doorbell's response area: settled as a 'result' on the port is. */
  readonly #areaAnswer = (r: AreaResult): void => {
    this.#result(r.id, r.outputs, r.stats, r.held);
  };

  /** A run's outputs came (area or port): its message is answered, or its outputs freed. */
  #result(
    id: number,
    outputs: Record<string, TensorDescriptor>,
    stats: RunStats,
    held: readonly number[],
  ): void {
    this.life.holdings.free(held);
    this.#viaPort.delete(id);
    const flight = this.#inFlight.get(id);
    if (!flight) {
      // The message was answered already (its replica was killed under it): free the outputs.
      this.#release(outputs);
    } else {
      this.#inFlight.delete(id);
      if (flight.batch)
        flight.settle(
          undefined,
          new ActorCrashedError(`actor "${this.actor}": a single run answered a batch`),
        );
      else {
        const reply: ReplicaReply = { outputs, stats, replica: this.index };
        (flight.settle as Settle<ReplicaReply>)(reply, undefined);
      }
    }
  }

  /**
   * Runs several messages as one (dynamic batching): the worker stacks their feeds along
   * dimension 0, runs once, and writes each message's own rows of every output to the arena. The
   * batch is one message in flight: a crash answers all of its messages.
   */
  runBatch(
    ids: readonly number[],
    batch: readonly Record<string, TensorDescriptor>[],
  ): Promise<ReplicaReply[]> {
    if (!this.#alive) {
      return Promise.reject(
        new ActorCrashedError(`actor "${this.actor}": replica ${this.index} is not running`),
      );
    }
    const id = ids[0]!;
    return new Promise<ReplicaReply[]>((resolve, reject) => {
      const settle: Settle<ReplicaReply[]> = (replies, error) =>
        error ? reject(error) : resolve(replies!);
      this.#inFlight.set(id, { id, batch: true, settle: settle as Settle<never>, job: undefined });
      this.#viaPort.add(id);
      this.#post({ type: 'run-batch', id, batch });
    });
  }

  /**
   * Ends the worker on purpose (closing, or replaced by a restart strategy): its exit is expected.
   * It takes no new message from now; one still in flight is answered with ActorCrashedError.
   */
  async end(): Promise<void> {
    if (!this.#alive) return;
    this.#terminating = true;
    await this.life.end();
  }

  /**
   * Kills the worker as a fault would (tests and fault injection). Its message in flight is
   * answered with ActorCrashedError at once, as if the worker died now; if the worker is inside
   * ONNX Runtime it is ended as soon as it comes out, and the outputs of that run are freed.
   */
  async kill(): Promise<void> {
    if (!this.#alive) return;
    this.#terminating = true;
    // What the worker has answered in the area is delivered; what it answered on the port is
    // settled by that message, which Node delivers before the exit (or else by #exit).
    this.#takeAnswers();
    for (const { flight, started } of this.#takeAllInFlight(true)) {
      const Crashed = started ? ActorCrashedError : NeverStartedError;
      flight.settle(
        undefined,
        new Crashed(
          `actor "${this.actor}": replica ${this.index} was killed while ${started ? 'running' : 'holding'} message ${flight.id}`,
        ),
      );
    }
    await this.life.terminate();
  }

  /**
   * Tells the worker to commit `fault` on its next run (see ModelFault). Only a replica of an
   * actor spawned with fault injection on (see fault-injection.ts) obeys.
   */
  injectFault(fault: ModelFault): void {
    if (!this.#options.faultInjection) {
      throw new TypeError(
        `actor "${this.actor}": fault injection is off (spawn it with withFaultInjection(options), a test hook in engines/onnx/fault-injection.ts)`,
      );
    }
    if (this.#alive) this.#post({ type: 'fault', fault });
  }

  #post(message: ToWorker): void {
    this.#worker.postMessage(message);
    if (this.#bell) this.#ring(this.#bell);
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'slab':
        this.#options.slabs.received(message.slab, message.buffer, this.#worker);
        // An answer in the doorbell may have waited for this slab (see DoorbellAnswers).
        if (this.#alive) this.#takeAnswers();
        return;
      case 'result':
        this.#result(message.id, message.outputs, message.stats, message.held);
        this.#sendHeld();
        return;
      case 'result-batch':
      case 'failure': {
        if (message.type !== 'failure') this.life.holdings.free(message.held);
        this.#viaPort.delete(message.id);
        const flight = this.#inFlight.get(message.id);
        if (!flight) {
          // The message was answered already (its replica was killed under it): free the outputs.
          if (message.type === 'result-batch') for (const o of message.outputs) this.#release(o);
        } else {
          this.#inFlight.delete(message.id);
          if (message.type === 'failure') flight.settle(undefined, reviveError(message.error));
          else if (!flight.batch)
            flight.settle(
              undefined,
              new ActorCrashedError(`actor "${this.actor}": a batch answered a single run`),
            );
          else {
            const replies: ReplicaReply[] = message.outputs.map((outputs) => ({
              outputs,
              stats: message.stats,
              replica: this.index,
            }));
            (flight.settle as Settle<ReplicaReply[]>)(replies, undefined);
          }
        }
        this.#sendHeld();
        return;
      }
      default:
        return;
    }
  }

  /**
   * The messages on this replica, in the order they came, which it no longer holds, and whether
   * its worker may have started each. The worker runs doorbell runs in order, one at a time: of
   * those it has not answered, only the first can have started; a message held here never reached
   * it. With `keepAnswered`, runs the worker has answered on the port stay, for that answer.
   */
  #takeAllInFlight(
    keepAnswered = false,
  ): { readonly flight: InFlight; readonly started: boolean }[] {
    const held = new Set(this.#held.map((h) => h.id));
    const done = this.#bell ? Atomics.load(this.#bell.words, WORD.DONE) : 0;
    const taken: { readonly flight: InFlight; readonly started: boolean }[] = [];
    for (const flight of this.#inFlight.values()) {
      if (keepAnswered && flight.job !== undefined && flight.job <= done) continue;
      const started = !held.has(flight.id) && (flight.job === undefined || flight.job <= done + 1);
      taken.push({ flight, started });
    }
    for (const { flight } of taken) {
      this.#inFlight.delete(flight.id);
      this.#viaPort.delete(flight.id);
    }
    this.#held.length = 0;
    return taken;
  }

  #release(outputs: Record<string, TensorDescriptor>): void {
    for (const name in outputs) this.#options.arena.release(outputs[name]!);
  }

  #exit(code: number): void {
    // Answers the worker left in the response areas before it died are taken first: they are
    // delivered replies, like the port's messages that Node delivers before 'exit'. Nothing held
    // is sent to the dead worker meanwhile (#sendHeld stops while terminating).
    this.#terminating = true;
    this.#takeAnswers();
    this.#alive = false;
    if (this.#bell) {
      forgetDead(this.#options.awake, this.#bell.words);
      Atomics.notify(this.#bell.words, WORD.DONE);
    }
    // What is still journaled once these answers are taken was never handed over: the core
    // reclaims it (settlesAtExit) before any caller hears of the crash.
    const error = this.life.error;
    const why = error ? `: ${errorText(error)}` : '';
    for (const { flight, started } of this.#takeAllInFlight()) {
      const Crashed = started ? ActorCrashedError : NeverStartedError;
      flight.settle(
        undefined,
        new Crashed(
          `actor "${this.actor}": replica ${this.index} died (exit code ${code}${why}) while ${started ? 'running' : 'holding'} message ${flight.id}`,
          { cause: error },
        ),
      );
    }
  }
}
