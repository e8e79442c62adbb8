/**
 * Worker entry of a model actor replica: owns one onnxruntime-node InferenceSession.
 *
 * Inputs arrive as arena descriptors. onnxruntime-node refuses typed arrays backed by a
 * SharedArrayBuffer, so each input is copied once into a private staging buffer (reused between
 * runs), and each output is copied once from ONNX Runtime's buffer into the arena. Those two copies
 * are the only ones on a hop, and every result reports how many bytes they moved.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { Holdings } from '../../actor/holdings.js';
import type { FromWorker, IoMetadata, ModelFault, ToWorker } from '../../actor/protocol.js';
import { enterGuard, leaveGuard } from '../../actor/worker-guard.js';
import { InferenceError, ModelLoadError, RoundtableError, serializeError } from '../../errors.js';
import { Arena, DTYPES, type DType, type TensorDescriptor } from '../../tensor/index.js';
import type { ModelWorkerData } from './model-worker-data.js';

const port = parentPort;
if (!port) throw new Error('model-worker.ts must run on a worker thread');
const data = workerData as ModelWorkerData;
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
arena.onSlabCreated(({ id, buffer }) => post({ type: 'slab', slab: id, buffer }));

const session = await load();
if (session) {
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'run':
        void run(session, message.id, message.feeds);
        break;
      case 'slab':
        arena.attachSlab(message.slab, message.buffer);
        break;
      case 'fault':
        if (data.faultInjection) armed = message.fault;
        break;
      case 'close':
        void insideNative(() => session.release()).finally(() => process.exit(0));
        break;
    }
  });
  post({
    type: 'ready',
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe),
  });
}

async function load(): Promise<ort.InferenceSession | undefined> {
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
    return await insideNative(() =>
      typeof model === 'string'
        ? ort.InferenceSession.create(model, options)
        : ort.InferenceSession.create(model, options),
    );
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
): Promise<void> {
  const start = performance.now();
  const written: TensorDescriptor[] = [];
  try {
    const inputs: Record<string, ort.Tensor> = {};
    let copiedIn = 0;
    for (const name in feeds) {
      const descriptor = feeds[name]!;
      inputs[name] = stage(name, descriptor);
      copiedIn += descriptor.byteLength;
    }
    const fault = armed;
    armed = undefined;
    if (fault) commit(fault, 'staged');
    const runStart = performance.now();
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await live.run(inputs);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new InferenceError(
        `actor "${data.actor}": ONNX Runtime failed while running: ${reason}`,
      );
    }
    const runMs = performance.now() - runStart;
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
    post({
      type: 'result',
      id,
      outputs,
      stats: { copiedIn, copiedOut, runMs, totalMs: performance.now() - start },
      held: holdings.handOff(written),
    });
  } catch (error) {
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
