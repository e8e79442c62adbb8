/**
 * Worker entry of a decoder actor replica: loads a model folder's sessions and keeps the key/value
 * caches of the sequences pinned to it between messages (see sequence-store.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { IoMetadata } from '../../actor/protocol.js';
import { enterGuard, leaveGuard } from '../../actor/worker-guard.js';
import { ModelLoadError, RoundtableError, serializeError } from '../../errors.js';
import { lowerThreadPriority } from '../../util/thread-priority.js';
import { openSession, sessionRun } from '../onnx/direct-run.js';
import { bytesPerToken, decoderIo } from './decoder-io.js';
import type {
  DecoderWorkerData,
  FromDecoderWorker,
  SequenceAnswer,
  ToDecoderWorker,
} from './decoder-protocol.js';
import { type DecoderSession, type DecoderSessions, SequenceStore } from './sequence-store.js';

if (!parentPort) throw new Error('decoder-worker.ts must run on a worker thread');
const port = parentPort;
const data = workerData as DecoderWorkerData;
lowerThreadPriority(data.nice);
const guard = new Int32Array(data.nativeGuard);
let armed: 'exit' | undefined;

/** A native call only if the runtime is not terminating this worker (see worker-guard.ts). */
async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  if (!enterGuard(guard)) return undefined;
  try {
    return await work();
  } finally {
    leaveGuard(guard);
  }
}

function metadata(session: ort.InferenceSession, which: 'input' | 'output'): IoMetadata[] {
  const list = which === 'input' ? session.inputMetadata : session.outputMetadata;
  return list.map((m) => {
    const tensor = m as { name: string; type?: string; shape?: (number | string)[] };
    return { name: tensor.name, dtype: tensor.type, shape: tensor.shape };
  });
}

async function create(file: string): Promise<DecoderSession> {
  // Errors only: exports routinely carry initializers ONNX Runtime drops with a warning each.
  const options: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3 };
  if (data.intraOpNumThreads !== undefined) options.intraOpNumThreads = data.intraOpNumThreads;
  const opened = await guarded(() => openSession(file, options));
  if (!opened) throw new ModelLoadError(`decoder "${data.actor}": closed while loading ${file}`);
  return { session: opened.session, run: sessionRun(opened) };
}

async function load(): Promise<DecoderSessions> {
  const { folder } = data;
  const templates = {
    ...(folder.pastTemplate ? { past: folder.pastTemplate } : {}),
    ...(folder.presentTemplate ? { present: folder.presentTemplate } : {}),
  };
  const decoder = await create(folder.decoder);
  const io = decoderIo(
    folder.decoder,
    metadata(decoder.session, 'input'),
    metadata(decoder.session, 'output'),
    templates,
  );
  const sessions: { -readonly [K in keyof DecoderSessions]: DecoderSessions[K] } = {
    decoder,
    decoderIo: io,
  };
  if (folder.firstDecoder) {
    const first = await create(folder.firstDecoder);
    sessions.first = {
      ...first,
      io: decoderIo(
        folder.firstDecoder,
        metadata(first.session, 'input'),
        metadata(first.session, 'output'),
      ),
    };
  }
  if (folder.encoder) sessions.encoder = await create(folder.encoder);
  return sessions;
}

const post = (message: FromDecoderWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

function answer(id: number, reply: SequenceAnswer | undefined): void {
  if (!reply) return; // the runtime is terminating this worker: it answers the caller itself
  const transfer: ArrayBuffer[] = [];
  for (const array of [reply.logprobs, reply.topIds, reply.topLogprobs, reply.proposals]) {
    if (array) transfer.push(array.buffer as ArrayBuffer);
  }
  post({ type: 'answer', id, ...reply }, transfer);
}

async function handle(store: SequenceStore, message: ToDecoderWorker): Promise<void> {
  switch (message.type) {
    case 'fault':
      if (data.faultInjection) armed = message.fault;
      return;
    case 'shutdown':
      port.close();
      return;
    case 'close':
      store.close(message.seq);
      post({ type: 'closed', id: message.id });
      return;
  }
  if (armed === 'exit') process.exit(70);
  try {
    switch (message.type) {
      case 'open':
        answer(
          message.id,
          await store.open(
            message.seq,
            message.rows,
            message.source,
            message.topK,
            message.positions,
          ),
        );
        break;
      case 'step':
        answer(
          message.id,
          await store.step(
            message.seq,
            message.generation,
            message.tokens,
            message.topK,
            message.positions,
            message.rewind ?? 0,
          ),
        );
        break;
      case 'propose':
        answer(message.id, await store.propose(message));
        break;
      case 'reorder':
        answer(message.id, store.reorder(message.seq, message.generation, message.rows));
        break;
      case 'rewind':
        answer(message.id, store.rewind(message.seq, message.generation, message.count));
        break;
    }
  } catch (error) {
    post({ type: 'failure', id: message.id, error: serializeError(error) });
  }
}

try {
  const sessions = await load();
  const store = new SequenceStore(data.actor, sessions, guarded);
  // One message at a time, in arrival order: a sequence's messages must see each other's state.
  let chain = Promise.resolve();
  port.on('message', (message: ToDecoderWorker) => {
    chain = chain.then(() => handle(store, message));
  });
  post({
    type: 'ready',
    vocab: sessions.decoderIo.vocab,
    bytesPerToken: bytesPerToken(sessions.decoderIo),
    inputs: metadata(sessions.decoder.session, 'input'),
    outputs: metadata(sessions.decoder.session, 'output'),
  });
} catch (error) {
  const typed =
    error instanceof RoundtableError
      ? error
      : new ModelLoadError(`decoder "${data.actor}": ${(error as Error).message}`);
  post({ type: 'load-error', error: serializeError(typed) });
}
