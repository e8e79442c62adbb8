/**
 * Worker entry of a model actor replica: owns one onnxruntime-node InferenceSession.
 *
 * Inputs arrive as arena descriptors. onnxruntime-node refuses typed arrays backed by a
 * SharedArrayBuffer, so each input is copied once into a private staging buffer (reused between
 * runs), and each output is copied once from ONNX Runtime's buffer into the arena. Those two copies
 * are the only ones on a hop, and every result reports how many bytes they moved.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { Holdings } from '../../actor/holdings.js';
import type { FromWorker, IoMetadata, ModelFault, ToWorker } from '../../actor/protocol.js';
import { enterGuard, leaveGuard } from '../../actor/worker-guard.js';
import { InferenceError, ModelLoadError, RoundtableError, serializeError } from '../../errors.js';
import { Arena, DTYPES, type DType, type TensorDescriptor } from '../../tensor/index.js';
import { lowerThreadPriority } from '../../util/thread-priority.js';
import { type OpenedSession, openSession } from './direct-run.js';
import {
  ANSWER,
  type DoorbellViews,
  doorbellViews,
  readRequest,
  slotOf,
  WORD,
  writeResponse,
} from './doorbell/doorbell.js';
import { IdleGaps, SPIN_US, spinWhileEqual, Wakefulness } from './doorbell/doorbell-spin.js';
import type { ModelWorkerData } from './model-worker-data.js';

const port = parentPort;
if (!port) throw new Error('model-worker.ts must run on a worker thread');
const data = workerData as ModelWorkerData;
lowerThreadPriority(data.nice);
const arena = Arena.attach(data.arena);
const post = (message: FromWorker) => port.postMessage(message);
const guard = new Int32Array(data.nativeGuard);
const holdings = new Holdings(data.holdings);
/** The fault the next run commits (tests and the soak only). */
let armed: ModelFault | undefined;

/**
 * Enters ONNX Runtime only if the runtime is not terminating this worker: terminating a thread
 * while onnxruntime-node is inside a native call aborts the whole process, so the runtime claims
 * the guard before it terminates (see worker-guard.ts). A whole run is one section, arena writes
 * included, so a worker is never terminated holding a slab's lock either.
 */
async function insideNative<T>(work: () => Promise<T>): Promise<T | undefined> {
  if (!enterGuard(guard)) return undefined;
  try {
    return await work();
  } finally {
    leaveGuard(guard);
  }
}

// A slab this thread adds must reach the runtime before any descriptor that points into it; both go
// through this one port, which keeps order.
let slabsCreated = 0;
arena.onSlabCreated(({ id, buffer }) => {
  slabsCreated++;
  post({ type: 'slab', slab: id, buffer });
});

/** Work started by port messages, which the doorbell loop lets finish before it sleeps again. */
const working = new Set<Promise<unknown>>();

const opened = await load();
/** The native session's run, called on this turn (see direct-run.ts); else the public `run`. */
const runNow = opened?.runNow;
if (opened) {
  const session = opened.session;
  const handle = (message: ToWorker) => {
    let work: Promise<unknown> | undefined;
    switch (message.type) {
      case 'run':
        work = run(session, message.id, message.feeds);
        break;
      case 'run-batch':
        work = insideNative(() => runBatchInside(session, message.id, message.batch));
        break;
      case 'slab':
        arena.attachSlab(message.slab, message.buffer);
        break;
      case 'fault':
        if (data.faultInjection) armed = message.fault;
        break;
      case 'close':
        work = insideNative(() => session.release()).finally(() => process.exit(0));
        break;
    }
    if (work) {
      working.add(work);
      void work.finally(() => working.delete(work));
    }
  };
  port.on('message', handle);
  post({
    type: 'ready',
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe),
  });
  // Once this module has finished evaluating: the loop blocks the thread between runs.
  const doorbell = data.doorbell;
  if (doorbell) setImmediate(() => void serveDoorbell(session, doorbellViews(doorbell), handle));
}

/**
 * The doorbell loop: asleep in Atomics.wait until the runtime rings, then the port's messages
 * first (a slab must be attached before a descriptor into it is read), then the next run, in its
 * slot, if there is one. Runs are taken in order, one at a time; when the runtime has written the
 * next run while this one ran, it starts at once, without sleeping; one the runtime has cancelled
 * is skipped. Everything a wake-up started
 * is awaited before sleeping again, since ONNX Runtime's run needs this thread's event loop to
 * turn.
 */
async function serveDoorbell(
  live: ort.InferenceSession,
  bell: DoorbellViews,
  handle: (message: ToWorker) => void,
): Promise<void> {
  const inputNames = live.inputNames;
  // From zero, not from the words: a run rung before this loop started must not be missed.
  let rung = 0;
  let job = 0;
  const gaps = new IdleGaps();
  const wakefulness = new Wakefulness(data.awake, bell.words);
  let answeredAt: number | undefined;
  wakefulness.awake();
  for (;;) {
    while (working.size > 0) await Promise.allSettled([...working]);
    if (Atomics.load(bell.words, WORD.JOB) === job) {
      if (gaps.worthSpinning && wakefulness.mayHoldACore) {
        spinWhileEqual(bell.words, WORD.BELL, rung, SPIN_US);
      }
      wakefulness.asleep();
      Atomics.wait(bell.words, WORD.BELL, rung);
      wakefulness.awake();
      if (answeredAt !== undefined) gaps.record((performance.now() - answeredAt) * 1000);
      answeredAt = undefined;
    }
    rung = Atomics.load(bell.words, WORD.BELL);
    for (let entry = receiveMessageOnPort(port!); entry; entry = receiveMessageOnPort(port!)) {
      handle(entry.message as ToWorker);
    }
    if (Atomics.load(bell.words, WORD.JOB) === job) continue;
    job++;
    // The runtime gave up on this run while it waited in its slot: nothing to run, nothing to read.
    if (Atomics.load(bell.words, WORD.CANCEL + slotOf(job)) === job) {
      ring(bell, job, ANSWER.SKIPPED);
      continue;
    }
    const { id, feeds } = readRequest(bell.request[slotOf(job)]!, inputNames);
    await insideNative(() => runInside(live, id, feeds, { bell, job }));
    answeredAt = performance.now();
  }
}

/** Tells the runtime that run `job` is answered, in the response area or on the port. */
function ring(bell: DoorbellViews, job: number, answer: number): void {
  Atomics.store(bell.words, WORD.ANSWER + slotOf(job), answer);
  Atomics.store(bell.words, WORD.DONE, job);
  Atomics.notify(bell.words, WORD.DONE);
}

async function load(): Promise<OpenedSession | undefined> {
  try {
    // One thread per replica: replicas, not ONNX Runtime's own pool, are how an actor uses cores,
    // and two pools per core would fight. Warnings (old opsets and the like) are not errors.
    const options = {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3 as const,
      ...data.sessionOptions,
    };
    const model = data.model;
    return await insideNative(() => openSession(model, options));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const source = typeof data.model === 'string' ? data.model : `${data.model.byteLength} bytes`;
    const error = new ModelLoadError(
      `actor "${data.actor}": ONNX Runtime could not load the model (${source}): ${reason}`,
    );
    post({ type: 'load-error', error: serializeError(error) });
    return undefined;
  }
}

function describe(meta: ort.InferenceSession.ValueMetadata): IoMetadata {
  return meta.isTensor
    ? { name: meta.name, dtype: meta.type, shape: meta.shape }
    : { name: meta.name, dtype: undefined, shape: undefined };
}

/** Private buffers the inputs are copied into, one per input name, grown when a feed is larger. */
const staging = new Map<string, ArrayBuffer>();

function stage(name: string, descriptor: TensorDescriptor): ort.Tensor {
  const dims = descriptor.dims as number[];
  if (descriptor.dtype === 'string') {
    return new ort.Tensor('string', arena.readTensor(descriptor).data as string[], dims);
  }
  let buffer = staging.get(name);
  if (!buffer || buffer.byteLength < descriptor.byteLength) {
    buffer = new ArrayBuffer(Math.max(64, descriptor.byteLength));
    staging.set(name, buffer);
  }
  const info = DTYPES[descriptor.dtype];
  const Ctor = info.ArrayType!;
  const target = new Ctor(buffer, 0, descriptor.byteLength / info.bytesPerElement);
  arena.copyInto(descriptor, target);
  return new ort.Tensor(descriptor.dtype as Exclude<DType, 'string'>, target as never, dims);
}

function run(
  live: ort.InferenceSession,
  id: number,
  feeds: Record<string, TensorDescriptor>,
): Promise<unknown> {
  // Not entered while terminating: the runtime then answers the message itself.
  return insideNative(() => runInside(live, id, feeds));
}

async function runInside(
  live: ort.InferenceSession,
  id: number,
  feeds: Record<string, TensorDescriptor>,
  doorbell?: { readonly bell: DoorbellViews; readonly job: number },
): Promise<void> {
  const start = performance.now();
  const slabsBefore = slabsCreated;
  const written: TensorDescriptor[] = [];
  try {
    const inputs: Record<string, ort.Tensor> = {};
    let copiedIn = 0;
    for (const name in feeds) {
      const descriptor = feeds[name]!;
      inputs[name] = stage(name, descriptor);
      copiedIn += descriptor.byteLength;
    }
    const { results, runMs, fault } = await runSession(live, inputs, 'running');
    const outputs: Record<string, TensorDescriptor> = {};
    let copiedOut = 0;
    for (const name in results) {
      const tensor = results[name]!;
      const descriptor = arena.writeTensor(
        tensor.type as DType,
        tensor.dims,
        tensor.data as Parameters<Arena['writeTensor']>[2],
      );
      holdings.hold(descriptor);
      written.push(descriptor);
      outputs[name] = descriptor;
      copiedOut += descriptor.byteLength;
      tensor.dispose();
    }
    if (fault) commit(fault, 'written');
    const stats = { copiedIn, copiedOut, runMs, totalMs: performance.now() - start };
    const held = holdings.handOff(written);
    // A new slab is announced on the port: the answer must follow it there.
    if (
      doorbell &&
      slabsCreated === slabsBefore &&
      writeResponse(doorbell.bell.response[slotOf(doorbell.job)]!, live.outputNames, {
        id,
        outputs,
        stats,
        held,
      })
    ) {
      ring(doorbell.bell, doorbell.job, ANSWER.AREA);
      return;
    }
    post({ type: 'result', id, outputs, stats, held });
    if (doorbell) ring(doorbell.bell, doorbell.job, ANSWER.PORT);
  } catch (error) {
    fail(id, written, error);
    if (doorbell) ring(doorbell.bell, doorbell.job, ANSWER.PORT);
  }
}

/**
 * Stacks each input of the batch's requests along dimension 0 in its staging buffer (the one copy
 * every run makes anyway), so batching adds no copy.
 */
function stageBatch(name: string, parts: readonly TensorDescriptor[]): ort.Tensor {
  const first = parts[0]!;
  let rows = 0;
  let bytes = 0;
  for (const part of parts) {
    rows += part.dims[0]!;
    bytes += part.byteLength;
  }
  let buffer = staging.get(name);
  if (!buffer || buffer.byteLength < bytes) {
    buffer = new ArrayBuffer(Math.max(64, bytes));
    staging.set(name, buffer);
  }
  const info = DTYPES[first.dtype];
  const Ctor = info.ArrayType!;
  let offset = 0;
  for (const part of parts) {
    arena.copyInto(part, new Ctor(buffer, offset, part.byteLength / info.bytesPerElement));
    offset += part.byteLength;
  }
  const target = new Ctor(buffer, 0, bytes / info.bytesPerElement);
  return new ort.Tensor(first.dtype as Exclude<DType, 'string'>, target as never, [
    rows,
    ...first.dims.slice(1),
  ]);
}

async function runBatchInside(
  live: ort.InferenceSession,
  id: number,
  batch: readonly Record<string, TensorDescriptor>[],
): Promise<void> {
  const start = performance.now();
  const written: TensorDescriptor[] = [];
  try {
    const inputs: Record<string, ort.Tensor> = {};
    let copiedIn = 0;
    for (const name in batch[0]) {
      const parts = batch.map((feeds) => feeds[name]!);
      inputs[name] = stageBatch(name, parts);
      for (const part of parts) copiedIn += part.byteLength;
    }
    const rows = batch.map((feeds) => {
      for (const name in feeds) return feeds[name]!.dims[0]!;
      return 0;
    });
    const total = rows.reduce((a, b) => a + b, 0);
    const { results, runMs, fault } = await runSession(
      live,
      inputs,
      `running a batch of ${batch.length}`,
    );
    const outputs: Record<string, TensorDescriptor>[] = batch.map(() => ({}));
    let copiedOut = 0;
    for (const name in results) {
      const tensor = results[name]!;
      const dims = tensor.dims;
      if (dims[0] !== total) {
        throw new InferenceError(
          `actor "${data.actor}": output "${name}" has dims [${dims.join(', ')}], not ${total} rows along dimension 0 as the batch fed: it cannot be split back`,
        );
      }
      const perRow = total > 0 ? tensor.size / total : 0;
      const all = tensor.data as Parameters<Arena['writeTensor']>[2];
      let row = 0;
      rows.forEach((count, i) => {
        const from = row * perRow;
        const to = (row + count) * perRow;
        const part = (
          ArrayBuffer.isView(all)
            ? (all as Float32Array).subarray(from, to)
            : (all as string[]).slice(from, to)
        ) as Parameters<Arena['writeTensor']>[2];
        const descriptor = arena.writeTensor(tensor.type as DType, [count, ...dims.slice(1)], part);
        holdings.hold(descriptor);
        written.push(descriptor);
        outputs[i]![name] = descriptor;
        copiedOut += descriptor.byteLength;
        row += count;
      });
      tensor.dispose();
    }
    if (fault) commit(fault, 'written');
    post({
      type: 'result-batch',
      id,
      outputs,
      stats: {
        copiedIn,
        copiedOut,
        runMs,
        totalMs: performance.now() - start,
        batch: batch.length,
      },
      held: holdings.handOff(written),
    });
  } catch (error) {
    fail(id, written, error);
  }
}

function fail(id: number, written: readonly TensorDescriptor[], error: unknown): void {
  for (const descriptor of written) {
    holdings.forget(descriptor);
    arena.release(descriptor);
  }
  const typed =
    error instanceof RoundtableError
      ? error
      : new InferenceError(
          `actor "${data.actor}": the run failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
  post({ type: 'failure', id, error: serializeError(typed) });
}

/**
 * The session run itself, for one message or a batch: an injected fault strikes first (tests
 * only; it is returned, since 'exit-holding' strikes later, once outputs are written), ONNX Runtime's failure becomes an InferenceError naming the actor, and the time inside
 * ONNX Runtime's run is measured for the result's stats.
 */
async function runSession(
  live: ort.InferenceSession,
  inputs: Record<string, ort.Tensor>,
  what: string,
): Promise<{
  results: ort.InferenceSession.ReturnType;
  runMs: number;
  fault: ModelFault | undefined;
}> {
  const fault = armed;
  armed = undefined;
  if (fault) commit(fault, 'staged');
  const runStart = performance.now();
  try {
    const results = runNow ? runNow(inputs) : await live.run(inputs);
    return { results, runMs: performance.now() - runStart, fault };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InferenceError(`actor "${data.actor}": ONNX Runtime failed while ${what}: ${reason}`);
  }
}

/** Commits an injected fault at its point of the run: see ModelFault in protocol.ts. */
function commit(fault: ModelFault, point: 'staged' | 'written'): void {
  if (point === 'staged') {
    if (fault === 'exit') process.exit(70);
    if (fault === 'throw') throw new Error('injected fault: the worker code threw mid-run');
    if (fault === 'oom') hoard();
  } else if (fault === 'exit-holding') process.exit(71);
}

/** Allocates until the worker's heap limit ends it. */
function hoard(): never {
  const kept: number[][] = [];
  for (;;) kept.push(new Array(100_000).fill(kept.length));
}
