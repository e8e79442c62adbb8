import { EventEmitter } from 'eventemitter3';
import { Admission } from '../actor/admission.js';
import * as args from '../actor/arguments.js';
import type { ActorContext } from '../actor/context.js';
import type { RuntimeEvents } from '../actor/events.js';
import type { RestartOptions } from '../actor/restart-budget.js';
import { SlabExchange } from '../actor/slab-exchange.js';
import { FusionActor } from '../engines/fusion/fusion-actor.js';
import { INLINE_FUSION_MAX_ELEMENTS } from '../engines/fusion/inline-fuser.js';
import { createAwakeCount } from '../engines/onnx/doorbell/doorbell-spin.js';
import { ArgumentError, RoundtableError } from '../errors.js';
import { Arena, type ArenaOptions } from '../tensor/index.js';
import { checkRestart } from './check-options.js';
import { RuntimeState } from './runtime-state.js';

export interface RoundtableOptions {
  readonly arena?: ArenaOptions;
  /** Restart budget of the fusion actor's worker. */
  readonly fusionRestart?: RestartOptions;
  /**
   * How many nice levels below the process the worker threads of actors run, so that the
   * caller's event loop is scheduled first when it has work (Linux only; see
   * src/util/thread-priority.ts). Default 5; 0 keeps every thread at the process's priority.
   * Nice values weigh threads against the other threads of their scheduling group (cgroup, or
   * session under autogroup): where CPU-bound processes share it, 0 keeps the workers their share
   * of the cores (docs/architecture.md has the measurement).
   */
  readonly workerNice?: number;
  /**
   * Fusions of at most this many elements (K inputs × elements of one) run on the calling thread
   * with the fusion actor's kernels, same results bit for bit; larger ones go to the fusion
   * actor's worker. A thread hop costs more than the arithmetic below it; see
   * src/engines/fusion/inline-fuser.ts. Default INLINE_FUSION_MAX_ELEMENTS (65 536); 0 sends every
   * fusion to the fusion actor.
   */
  readonly inlineFusionMaxElements?: number;
  /**
   * The caller polls (on `setImmediate`) for a model's answer it expects within a few hundred
   * microseconds, instead of parking in `Atomics.waitAsync`. Polling answers back-to-back asks
   * sooner, but spaced asks, as a service receives them, came slower and cost more CPU with it
   * (the ask suite of `npm run bench`, docs/benchmarks.md). Default false.
   */
  readonly pollForAnswers?: boolean;
}

/**
 * See RoundtableOptions.workerNice. +5 rather than +10: the caller's event loop still comes first
 * (the demo's service answered its cheap endpoint as well as at +10), while the workers keep three
 * times the scheduler weight they had at +10 against every other thread; docs/architecture.md has
 * the measurement.
 */
const DEFAULT_WORKER_NICE = 5;

/** `Roundtable.create`: the options checked at the door, the arena, the context, the fusion actor. */
export async function createRuntimeState(options: unknown): Promise<RuntimeState> {
  const where = 'Roundtable.create';
  const given = args.options(where, 'options', options);
  const read = (key: string) => args.field(where, `options.${key}`, given, key);
  const workerNice =
    args.optionalInteger(where, 'options.workerNice', read('workerNice'), 0, 19) ??
    DEFAULT_WORKER_NICE;
  const inlineFusion =
    args.optionalInteger(
      where,
      'options.inlineFusionMaxElements',
      read('inlineFusionMaxElements'),
      0,
    ) ?? INLINE_FUSION_MAX_ELEMENTS;
  const pollForAnswers = args.optionalBoolean(
    where,
    'options.pollForAnswers',
    read('pollForAnswers'),
  );
  const fusionRestart = checkRestart(where, 'options.fusionRestart', read('fusionRestart'));
  const arena = createArena(where, read('arena'));
  const events = new EventEmitter<RuntimeEvents>();
  const context: ActorContext = {
    arena,
    slabs: new SlabExchange(arena),
    events,
    workerNice,
    pollForAnswers: pollForAnswers ?? false,
    awakeWorkers: createAwakeCount(),
    admission: new Admission(),
  };
  const fusion = await FusionActor.spawn(
    'fusion',
    context,
    fusionRestart as RestartOptions | undefined,
  );
  return new RuntimeState(context, fusion, inlineFusion);
}

/** The arena of `Roundtable.create`, its options refused as that method's argument. */
function createArena(where: string, options: unknown): Arena {
  const given = args.record(where, 'options.arena', args.options(where, 'options.arena', options));
  try {
    return Arena.create(given);
  } catch (error) {
    if (error instanceof RoundtableError) throw error;
    throw new ArgumentError(`${where}: options.${(error as Error).message}`, 'options.arena');
  }
}
