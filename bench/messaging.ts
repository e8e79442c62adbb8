/**
 * Messaging: what one ask to an actor costs beside the plain ways of calling another thread.
 *
 * roundtable's ask is a model actor on an Identity model (64 bytes in, 64 bytes out): the feed is
 * already in the arena, the actor's worker copies it into ONNX Runtime, runs, copies the output into
 * the arena and answers with its descriptor. Its round trip is shown whole and minus the
 * `session.run` time the worker reports (the model's own compute), which leaves the runtime's
 * dispatch path. Beside it: a raw postMessage echo, piscina.run, a comlink call, and an Atomics
 * doorbell (Atomics.wait in the worker, Atomics.waitAsync on the main thread). Then throughput
 * with 64 messages in flight.
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { type Remote, wrap } from 'comlink';
import { Piscina } from 'piscina';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { TensorDescriptor } from '../src/tensor/index.js';
import { spawnWorker } from '../src/util/spawn-worker.js';
import { nodeEndpoint } from './fixtures/comlink-endpoint.js';
import type { echoApi } from './fixtures/comlink-worker.js';
import { identityModel, seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { budget, round, type Timing, time } from './timing.js';

const IN_FLIGHT = 64;
const WIDTH = 16;

export const messaging: Suite = {
  name: 'messaging',
  title: 'Messaging: an ask round trip',
  run: runMessaging,
};

interface Mechanism {
  readonly name: string;
  /** One round trip. */
  readonly ask: () => Promise<unknown>;
  /** False when the mechanism has one slot (the Atomics doorbell). */
  readonly pipelined: boolean;
  readonly close: () => Promise<void>;
}

async function runMessaging(context: SuiteContext): Promise<SuiteOutcome> {
  const runtime = await Roundtable.create();
  const mechanisms: Mechanism[] = [];
  try {
    const actor = await runtime.spawnModel('identity', {
      model: identityModel(WIDTH),
      mailbox: { capacity: IN_FLIGHT * 2 },
    });
    // The same actor on the postMessage hot path, to show what the doorbell (the default) saves.
    const viaPort = await runtime.spawnModel('identity-port', {
      model: identityModel(WIDTH),
      mailbox: { capacity: IN_FLIGHT * 2 },
      hotPath: 'message',
    });
    const feed = runtime.arena.writeTensor('float32', [1, WIDTH], seededFloats(1, WIDTH));
    mechanisms.push(
      await postMessageEcho(),
      await piscinaEcho(),
      await comlinkEcho(),
      await atomicsDoorbell(),
    );
    const latency = budget(context, { timeMs: 1500, minSamples: 200 }, { timeMs: 400 });
    const batch = budget(
      context,
      { timeMs: 1500, minSamples: 32 },
      { timeMs: 400, minSamples: 16 },
    );

    context.log('messaging: roundtable actor ask');
    const askWhole = await time('actor ask', () => ask(runtime, actor, feed), latency);
    const askDispatch = await time(
      'actor ask minus session.run',
      async () => {
        const start = performance.now();
        const runMs = await ask(runtime, actor, feed);
        return { overriddenDuration: performance.now() - start - runMs };
      },
      latency,
    );
    const minusRun = (target: ModelActor) => async () => {
      const start = performance.now();
      const runMs = await ask(runtime, target, feed);
      return { overriddenDuration: performance.now() - start - runMs };
    };
    context.log('messaging: roundtable actor ask on the postMessage hot path');
    const portDispatch = await time(
      'actor ask (postMessage path) minus session.run',
      minusRun(viaPort),
      latency,
    );
    const askBatch = await time(
      'actor ask × 64 in flight',
      () => Promise.all(Array.from({ length: IN_FLIGHT }, () => ask(runtime, actor, feed))),
      batch,
    );

    const rows: { name: string; rtt: Timing; batch: Timing | null }[] = [];
    for (const mechanism of mechanisms) {
      context.log(`messaging: ${mechanism.name}`);
      const rtt = await time(mechanism.name, mechanism.ask, latency);
      const inFlight = mechanism.pipelined
        ? await time(
            `${mechanism.name} × 64`,
            () => Promise.all(Array.from({ length: IN_FLIGHT }, mechanism.ask)),
            batch,
          )
        : null;
      rows.push({ name: mechanism.name, rtt, batch: inFlight });
    }
    runtime.arena.release(feed);

    const postMessage = rows[0]!.rtt;
    const perSecond = (t: Timing | null) => (t ? (IN_FLIGHT * 1e6) / t.meanUs : null);
    const line = (name: string, rtt: Timing, inFlight: Timing | null) => [
      name,
      round(rtt.p50Us),
      round(rtt.p99Us),
      round(rtt.meanUs),
      round(rtt.p50Us / postMessage.p50Us),
      round(perSecond(inFlight)),
    ];
    const ratio = askDispatch.p50Us / postMessage.p50Us;
    return {
      tables: [
        {
          title:
            'Round trip to another thread and back (µs), and messages per second with 64 in flight',
          columns: [
            'mechanism',
            'p50 µs',
            'p99 µs',
            'mean µs',
            'p50 / postMessage',
            '64 in flight: msg/s',
          ],
          rows: [
            line('roundtable actor ask (Identity model, 64 B)', askWhole, askBatch),
            line('roundtable actor ask minus session.run', askDispatch, null),
            line("same, postMessage hot path (hotPath: 'message')", portDispatch, null),
            ...rows.map((r) => line(r.name, r.rtt, r.batch)),
          ],
          note:
            'The actor has one replica, so with 64 asks in flight one runs, one waits behind it in ' +
            "the replica's doorbell and 62 wait in its mailbox (ONNX Runtime blocks its thread " +
            'anyway). The Atomics ping-pong has one slot by construction, so it has no in-flight ' +
            'figure. ' +
            "roundtable's asks take an Atomics doorbell by default (src/engines/onnx/doorbell/doorbell.ts); the " +
            "postMessage row is the same actor with hotPath: 'message'.",
        },
      ],
      charts: [
        {
          file: 'messaging-rtt.svg',
          title: 'Round trip p50 (µs, lower is better)',
          unit: 'µs',
          bars: [
            { label: 'roundtable ask (Identity model)', value: round(askWhole.p50Us) },
            { label: 'roundtable ask − session.run', value: round(askDispatch.p50Us) },
            ...rows.map((r) => ({ label: r.name, value: round(r.rtt.p50Us) })),
          ],
        },
        {
          file: 'messaging-throughput.svg',
          title: 'Messages per second with 64 in flight (higher is better)',
          unit: 'msg/s',
          bars: [
            { label: 'roundtable ask (Identity model)', value: round(perSecond(askBatch)) },
            ...rows.map((r) => ({ label: r.name, value: round(perSecond(r.batch)) })),
          ],
        },
      ],
      figures: {
        ask_rtt_vs_postmessage: ratio,
        ask_rtt_whole_vs_postmessage: askWhole.p50Us / postMessage.p50Us,
        ask_p50_us: askWhole.p50Us,
        ask_dispatch_p50_us: askDispatch.p50Us,
        ask_dispatch_message_path_p50_us: portDispatch.p50Us,
        ask_message_path_vs_postmessage: portDispatch.p50Us / postMessage.p50Us,
        postmessage_p50_us: postMessage.p50Us,
      },
      notes: [
        `roundtable's ask goes through the actor's mailbox to its replica's worker, which copies ` +
          `the ${WIDTH * 4}-byte feed out of the arena into ONNX Runtime, runs it, copies the output ` +
          'into the arena and posts its descriptor back; the caller then releases the output. ' +
          'The baselines send a small object and get it back, doing nothing else.',
      ],
    };
  } finally {
    await Promise.all(mechanisms.map((m) => m.close()));
    await runtime.close();
  }
}

/** One ask of the Identity actor; returns the session.run time its worker reported. */
async function ask(
  runtime: Roundtable,
  actor: ModelActor,
  feed: TensorDescriptor,
): Promise<number> {
  const result = await actor.runShared({ input: feed });
  for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
  return result.stats.runMs;
}

async function postMessageEcho(): Promise<Mechanism> {
  const worker = spawnWorker(new URL('./fixtures/echo-worker.js', import.meta.url));
  const pending = new Map<number, () => void>();
  let next = 0;
  worker.on('message', (message: { id: number }) => {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.();
  });
  const ask = () =>
    new Promise<void>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      worker.postMessage({ id });
    });
  await ask();
  return { name: 'raw postMessage', ask, pipelined: true, close: () => terminate(worker) };
}

async function piscinaEcho(): Promise<Mechanism> {
  // piscina imports its task module itself: from sources that is the .ts file (tsx loads it).
  const fixture = import.meta.url.endsWith('.ts') ? 'piscina-echo.ts' : 'piscina-echo.js';
  const pool = new Piscina({
    filename: new URL(`./fixtures/${fixture}`, import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
  });
  let next = 0;
  const ask = () => pool.run({ id: next++ });
  await ask();
  return { name: 'piscina.run', ask, pipelined: true, close: () => pool.destroy() };
}

async function comlinkEcho(): Promise<Mechanism> {
  const worker = spawnWorker(new URL('./fixtures/comlink-worker.js', import.meta.url));
  const remote: Remote<typeof echoApi> = wrap<typeof echoApi>(nodeEndpoint(worker));
  let next = 0;
  const ask = () => remote.echo(next++);
  await ask();
  return { name: 'comlink call', ask, pipelined: true, close: () => terminate(worker) };
}

async function atomicsDoorbell(): Promise<Mechanism> {
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  const worker = spawnWorker(new URL('./fixtures/atomics-worker.js', import.meta.url), {
    workerData: shared,
  });
  let request = 0;
  const ask = async () => {
    const previous = Atomics.load(words, 1);
    request++;
    Atomics.store(words, 0, request);
    Atomics.notify(words, 0);
    // The worker may answer before we wait: waitAsync then returns at once ('not-equal').
    while (Atomics.load(words, 1) === previous) {
      const wait = Atomics.waitAsync(words, 1, previous);
      if (wait.async) await wait.value;
    }
  };
  await ask();
  return {
    name: 'Atomics wait/notify ping-pong',
    ask,
    pipelined: false,
    close: async () => {
      Atomics.store(words, 0, -1);
      Atomics.notify(words, 0);
      await terminate(worker);
    },
  };
}

async function terminate(worker: Worker): Promise<void> {
  await worker.terminate();
}
