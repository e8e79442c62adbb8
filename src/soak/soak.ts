/**
 * The soak: many plan runs from concurrent callers while seeded random faults are injected (worker
 * kills, exits mid-run, exceptions, memory exhaustion, timeouts, aborts, overload bursts), then an
 * account of every run. The promise it checks: every run settles exactly once (a result equal to
 * the fault-free one, or a typed error), nothing is lost or doubled, and the arena is empty at the
 * end.
 */

import { withFaultInjection } from '../engines/onnx/fault-injection.js';
import type { ModelActor } from '../engines/onnx/model-actor.js';
import { killWorker, replicasOf } from '../engines/test-hooks.js';
import { RoundtableError } from '../errors.js';
import { classifier } from '../models/index.js';
import type { RunOptions } from '../plan-runner/run-rounds.js';
import type { RoundsPlan } from '../plans/plan.js';
import { fusionOf } from '../runtime/fusion-access.js';
import { Roundtable } from '../runtime/roundtable.js';
import type { HostTensor, TensorDescriptor } from '../tensor/index.js';
import { SeededRandom } from '../util/random.js';
import { AnswerCount } from './answer-count.js';
import { SOAK_FAULT } from './soak-actor.js';

export interface SoakOptions {
  /** How long callers keep sending, in milliseconds. */
  readonly durationMs: number;
  readonly seed?: number;
  /** Concurrent callers, each sending one run after another. Default 6. */
  readonly callers?: number;
  /** Mean milliseconds between two injected faults. Default 400. */
  readonly faultEveryMs?: number;
  /** Progress notes (not the result line). */
  readonly log?: (note: string) => void;
}

export interface SoakReport {
  /** Plan runs sent. */
  readonly rounds: number;
  /** Runs answered (a result or an error). */
  readonly settled: number;
  /** Runs answered with a result equal to the fault-free one. */
  readonly ok: number;
  /** Runs answered with a typed error, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Runs answered with an error that is not one of the runtime's typed errors. */
  readonly untyped: number;
  /** Runs never answered. */
  readonly lost: number;
  /**
   * Results that differ from the fault-free one, plus answers doubled, counted per message at the
   * caller of each actor (model, custom, fusion; see answer-count.ts), plus model messages run
   * twice.
   */
  readonly duplicated: number;
  /** Messages to the actors that were never answered, counted at the caller. */
  readonly unanswered: number;
  readonly restarts: number;
  readonly faults: Readonly<Record<string, number>>;
  /** Arena bytes still in use once every run settled and every actor is idle. */
  readonly arenaLeaked: number;
  /** Arena bytes dead workers had written and never handed over, given back. */
  readonly reclaimed: number;
  readonly rssGrowthPercent: number;
}

/** The one line a soak ends with. */
export function soakLine(report: SoakReport): string {
  return (
    `soak: rounds ${report.rounds}, settled ${report.settled}, lost ${report.lost}, ` +
    `duplicated ${report.duplicated}, unanswered ${report.unanswered}, restarts ${report.restarts}, ` +
    `arena leaked ${report.arenaLeaked} bytes, rss growth ${report.rssGrowthPercent.toFixed(1)}%`
  );
}

/** True when the soak kept the promise. */
export function soakPassed(report: SoakReport): boolean {
  return (
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.unanswered === 0 &&
    report.untyped === 0 &&
    report.arenaLeaked === 0 &&
    report.settled === report.rounds
  );
}

const MODELS = ['m0', 'm1', 'm2'];
const FEATURES = 64;
const ROWS = 4;
/** A budget no soak exhausts: the soak is about answers under faults, not about giving up. */
const RESTART = { maxRestarts: 100_000, withinMs: 1_000, backoffMs: 1, maxBackoffMs: 20 };
/** Milliseconds a run that never settles is waited for at the end before it counts as lost. */
const DRAIN_MS = 30_000;

const plan: RoundsPlan = {
  kind: 'rounds',
  name: 'soak',
  inputs: ['features'],
  outputs: ['final'],
  rounds: [
    {
      name: 'ensemble',
      steps: MODELS.map((actor) => ({
        actor,
        inputs: { features: 'features' },
        outputs: { logits: `${actor}.logits` },
      })),
      fusion: {
        strategy: 'log-linear',
        kind: 'logits',
        inputs: MODELS.map((actor) => `${actor}.logits`),
        output: 'fused',
      },
    },
    {
      name: 'post',
      steps: [{ actor: 'post', inputs: { in: 'fused' }, outputs: { out: 'final' } }],
    },
  ],
};

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = new SeededRandom(options.seed ?? 1);
  const log = options.log ?? (() => {});
  const callers = options.callers ?? 6;
  const faultEveryMs = options.faultEveryMs ?? 400;

  // Every fusion goes to the fusion actor (none inline), so its faults and answers are soaked too.
  const runtime = await Roundtable.create({ fusionRestart: RESTART, inlineFusionMaxElements: 0 });
  const control = new SharedArrayBuffer(4);
  const models = await Promise.all(
    MODELS.map((name, k) =>
      runtime.spawnModel(
        name,
        withFaultInjection({
          model: classifier({ seed: 11 + k, inputSize: FEATURES, hidden: 96, classes: 32 }).bytes,
          replicas: 2,
          mailbox: { capacity: 16 },
          resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
          sessionOptions: { logSeverityLevel: 4 },
        }),
      ),
    ),
  );
  runtime.supervise('ensemble', { strategy: 'one-for-one', children: MODELS, ...RESTART });
  const post = await runtime.spawnCustom('post', {
    module: new URL('./soak-actor.js', import.meta.url),
    options: { control },
    restart: RESTART,
    mailbox: { capacity: 16 },
    resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
  });
  // Each actor's answers, counted at its caller (the plan runner) per message.
  const answers = new AnswerCount();
  const outputsOf = (result: { outputs: Record<string, TensorDescriptor> }) =>
    Object.values(result.outputs);
  for (const model of models) answers.watch(model, 'runShared', outputsOf);
  answers.watch(post, 'runShared', outputsOf);
  answers.watch(fusionOf(runtime), 'fuse', (reply: { output: TensorDescriptor }) => [reply.output]);
  let restarts = 0;
  let reclaimed = 0;
  runtime.events.on('actor:restarted', () => restarts++);
  runtime.events.on('arena:reclaimed', ({ bytes }) => {
    reclaimed += bytes;
  });

  // The fault-free answer for each feed.
  const feeds = Array.from({ length: 4 }, (_, k) => {
    const data = new SeededRandom(100 + k).fillNormal(new Float32Array(ROWS * FEATURES));
    return { features: { dtype: 'float32', dims: [ROWS, FEATURES], data } as HostTensor };
  });
  const expected: Float32Array[] = [];
  for (const feed of feeds) {
    const result = await runtime.run(plan, feed);
    expected.push(result.outputs.final!.data as Float32Array);
  }
  log(`warm: ${restarts} restarts so far, arena ${runtime.arena.stats().bytesInUse} bytes`);
  // RSS is measured from a tenth into the run: heaps and JIT caches first grow to their working
  // size under load, which is not growth over time.
  let rssStart = process.memoryUsage().rss;
  const rssTimer = setTimeout(() => {
    rssStart = process.memoryUsage().rss;
  }, options.durationMs / 10);

  let rounds = 0;
  let settled = 0;
  let ok = 0;
  let untyped = 0;
  let wrong = 0;
  const errors: Record<string, number> = {};
  const faults: Record<string, number> = {};
  const outstanding = new Set<Promise<void>>();

  const send = (k: number, runOptions: RunOptions): Promise<void> => {
    rounds++;
    const run = runtime.run(plan, feeds[k]!, runOptions).then(
      (result) => {
        settled++;
        if (equal(result.outputs.final!.data as Float32Array, expected[k]!)) ok++;
        else wrong++;
      },
      (error: unknown) => {
        settled++;
        if (error instanceof RoundtableError) {
          // A round's error says little by itself: its cause is what the step got.
          const cause = (error.cause as { code?: unknown } | undefined)?.code;
          const key = typeof cause === 'string' ? `${error.code}(${cause})` : error.code;
          errors[key] = (errors[key] ?? 0) + 1;
        } else {
          untyped++;
          log(`untyped error: ${String(error)}`);
        }
      },
    );
    outstanding.add(run);
    void run.finally(() => outstanding.delete(run));
    return run;
  };

  const deadline = Date.now() + options.durationMs;
  const caller = async (index: number) => {
    const mine = new SeededRandom((options.seed ?? 1) * 1000 + index);
    while (Date.now() < deadline) {
      const k = mine.int(feeds.length);
      const dice = mine.random();
      if (dice < 0.7) await send(k, { retries: 2, timeout: 10_000 });
      else if (dice < 0.8) await send(k, { timeout: 1 + mine.int(20) });
      else if (dice < 0.9) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), mine.int(20));
        await send(k, { signal: controller.signal, retries: 1, timeout: 10_000 });
        clearTimeout(timer);
      } else await send(k, { timeout: 10_000 });
      // A run refused at once settles within microtasks: yield, or the callers would starve the
      // event loop (timers, worker messages, restarts), as no real request handler loop does.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const inject = async () => {
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, faultEveryMs * (0.5 + random.random())));
      if (Date.now() >= deadline) break;
      const kind = pick(random, FAULTS);
      faults[kind] = (faults[kind] ?? 0) + 1;
      const model = models[random.int(models.length)]!;
      const live = replicasOf(model);
      const replica = live[random.int(Math.max(1, live.length))];
      switch (kind) {
        case 'kill-replica':
          void replica?.kill();
          break;
        case 'model-exit':
        case 'model-exit-holding':
        case 'model-throw':
        case 'model-oom':
          replica?.injectFault(MODEL_FAULT[kind]);
          break;
        case 'post-exit':
          Atomics.store(new Int32Array(control), 0, SOAK_FAULT.EXIT);
          break;
        case 'post-throw':
          Atomics.store(new Int32Array(control), 0, SOAK_FAULT.THROW);
          break;
        case 'post-oom':
          Atomics.store(new Int32Array(control), 0, SOAK_FAULT.OOM);
          break;
        case 'post-kill':
          void killWorker(post);
          break;
        case 'fusion-kill':
          void killWorker(fusionOf(runtime));
          break;
        case 'overload':
          // A burst past every mailbox's capacity: most of it is refused with MailboxFullError.
          for (let i = 0; i < 48; i++) void send(random.int(feeds.length), { timeout: 10_000 });
          break;
      }
    }
  };

  await Promise.all([inject(), ...Array.from({ length: callers }, (_, i) => caller(i))]);
  clearTimeout(rssTimer);
  log(`sent ${rounds} runs; waiting for ${outstanding.size} to settle`);
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all([...outstanding]),
    new Promise((resolve) => {
      drainTimer = setTimeout(resolve, DRAIN_MS);
    }),
  ]);
  clearTimeout(drainTimer);
  const lost = rounds - settled;
  await settle(runtime, models);
  const arenaLeaked = runtime.arena.stats().bytesInUse;
  const rssEnd = process.memoryUsage().rss;
  const tally = answers.tally();
  // A model message run twice (its second result freed) is counted by the dispatcher, the one
  // place that sees it.
  const duplicated =
    wrong + tally.doubled + models.reduce((sum, m) => sum + m.stats().duplicates, 0);
  await runtime.close(1_000);
  return {
    rounds,
    settled,
    ok,
    errors,
    untyped,
    lost,
    duplicated,
    unanswered: tally.unanswered,
    restarts,
    faults,
    arenaLeaked,
    reclaimed,
    rssGrowthPercent: ((rssEnd - rssStart) / rssStart) * 100,
  };
}

const FAULTS = [
  'kill-replica',
  'model-exit',
  'model-exit-holding',
  'model-throw',
  'model-oom',
  'post-exit',
  'post-throw',
  'post-oom',
  'post-kill',
  'fusion-kill',
  'overload',
] as const;

const MODEL_FAULT = {
  'model-exit': 'exit',
  'model-exit-holding': 'exit-holding',
  'model-throw': 'throw',
  'model-oom': 'oom',
} as const;

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

function equal(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Waits until no worker holds a message any more (results of abandoned messages arrive late and
 * are freed then), every actor is back to full strength, and the arena is quiet, or 10 s pass.
 */
async function settle(runtime: Roundtable, models: readonly ModelActor[]): Promise<void> {
  await Promise.all(models.map((model) => model.idle()));
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const health = runtime.health();
    const quiet = health.actors.every(
      (a) => a.queued === 0 && a.inFlight === 0 && a.state === 'running',
    );
    if (quiet && runtime.arena.stats().bytesInUse === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
