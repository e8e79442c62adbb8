/**
 * A session's run called straight, on the worker's own turn.
 *
 * onnxruntime-node's public `InferenceSession.run` calls its native session inside a
 * `setImmediate`: every run waits for a turn of the thread's event loop and goes through a
 * promise, which costs a small model about as much as its arithmetic (docs/architecture.md,
 * "Performance: the fast paths", has the measurement). A model or decoder worker has nothing
 * else to do while it runs a model, so it calls the native session itself, as the public `run`
 * does inside that turn, with the same feeds, the same fetches (every output, or those a decoder
 * step names) and the same options (none).
 *
 * The native session is not part of onnxruntime-node's public API: it is the object its backend
 * builds with `new binding.InferenceSession()` while `InferenceSession.create` runs. It is taken
 * there, the session itself created by the public `create` as before; if the package does not
 * look the way this was written against (another version moved things), the public `run` is used
 * and nothing else changes.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';

/** What this file needs of onnxruntime-node's native session. */
interface NativeSession {
  run(
    feeds: Record<string, ort.Tensor>,
    fetches: Record<string, ort.Tensor | null>,
    options: object,
  ): Record<string, ort.Tensor>;
}

interface Binding {
  InferenceSession: new () => NativeSession;
}

/** What a run may be asked for: every output by default, or these, some written into given tensors. */
export type Fetches = Record<string, ort.Tensor | null>;

/** Runs the session on `feeds` and returns the fetched outputs, synchronously. */
export type DirectRun = (
  feeds: Record<string, ort.Tensor>,
  fetches?: Fetches,
) => ort.InferenceSession.ReturnType;

/** A session's run as a promise, whichever way it is called. */
export type SessionRun = (
  feeds: Record<string, ort.Tensor>,
  fetches?: Fetches,
) => Promise<ort.InferenceSession.ReturnType>;

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  /** Undefined when the native session could not be reached: use `session.run`. */
  readonly runNow: DirectRun | undefined;
}

function nativeBinding(): Binding | undefined {
  try {
    const require = createRequire(import.meta.url);
    const module = require('onnxruntime-node/dist/binding.js') as { binding?: Partial<Binding> };
    const binding = module.binding;
    return typeof binding?.InferenceSession === 'function' ? (binding as Binding) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates a session with the public API and, where it can, a direct run of it. One session at a
 * time per thread: the native session made while `create` runs is taken as this one's.
 */
export async function openSession(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
): Promise<OpenedSession> {
  const binding = nativeBinding();
  const Native = binding?.InferenceSession;
  const made: NativeSession[] = [];
  if (binding && Native) {
    // A constructor that returns an object makes `new` give that object: the backend gets the
    // very native session it asked for, and this file a hold of it.
    binding.InferenceSession = function Taken() {
      const native = new Native();
      made.push(native);
      return native;
    } as unknown as Binding['InferenceSession'];
  }
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
  } finally {
    if (binding && Native) binding.InferenceSession = Native;
  }
  const native = made.length === 1 ? made[0] : undefined;
  if (!native || typeof native.run !== 'function') return { session, runNow: undefined };
  const every: Record<string, null> = {};
  for (const name of session.outputNames) every[name] = null;
  const none = {};
  return { session, runNow: (feeds, fetches = every) => native.run(feeds, fetches, none) };
}

/**
 * The run to call for an opened session: the direct run where there is one (a promise only so
 * both ways read alike; the run itself happens on the call), the public run otherwise.
 * `fetches` must name outputs of the session only, as the public run's own check would require.
 */
export function sessionRun({ session, runNow }: OpenedSession): SessionRun {
  if (runNow) return async (feeds, fetches) => runNow(feeds, fetches);
  return (feeds, fetches) => (fetches ? session.run(feeds, fetches) : session.run(feeds));
}
