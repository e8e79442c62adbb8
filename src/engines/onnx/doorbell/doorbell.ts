/**
 * The hot path of a model replica: an Atomics doorbell over a small SharedArrayBuffer, instead of
 * a postMessage round trip. The runtime writes a run's feed descriptors into the request area of
 * the run's slot, bumps JOB and rings BELL; the worker, asleep in `Atomics.wait` on BELL between
 * runs, wakes, drains its port with `receiveMessageOnPort` (slabs, faults), runs, writes the
 * output descriptors into the response area of the slot and bumps DONE; the runtime waits on DONE
 * (src/engines/onnx/doorbell/answer-wait.ts). See docs/architecture.md, "Performance: the fast paths" (the doorbell).
 *
 * Two slots, used in turn (run `job` in slot `job % SLOTS`): while the worker runs one, the
 * runtime may write the next, and the worker starts it as soon as it has answered, without waiting
 * for the runtime's thread to wake and hand it over. The runtime takes answers in order, and
 * writes run `job + 2` only after run `job` has settled, so a slot is never overwritten unread.
 * A run the runtime gave up on while it waited in its slot (its message timed out or was aborted)
 * is marked in the slot's CANCEL word; the worker reads the mark before it starts a run and skips
 * a marked one (ANSWER.SKIPPED), so a message that outlived its deadline costs no run, even when
 * its caller still holds the feeds (runShared).
 *
 * Anything the area cannot carry (strings, many tensors, an error, an output in a slab the
 * runtime has not seen yet) is answered on the port instead, and DONE says so: the port keeps the
 * order of slab announcements before the descriptors that point into them.
 *
 * This file is the layout and its codec, shared by both sides; no thread logic lives here.
 */
import type { RunStats } from '../../../actor/protocol.js';
import { ownDescriptor } from '../../../tensor/descriptor.js';
import { DTYPES, type DType, type TensorDescriptor } from '../../../tensor/index.js';

/** Int32 words at the start of the buffer. */
export const WORD = {
  /** Bumped by the runtime for every message it sends the worker (a run, or a port message). */
  BELL: 0,
  /** Sequence number of the last run written into the request area. */
  JOB: 1,
  /** Sequence number of the last run answered (in the response area, or on the port). */
  DONE: 2,
  /**
   * 1 while the worker is counted in the runtime's awake count (see doorbell-spin.ts), so that the
   * runtime can take a dead worker out of it; a ring that finds it 1 bumps BELL without a notify
   * (see Replica's #ring).
   */
  AWAKE: 3,
  /** How the run in slot s was answered (word ANSWER + s): ANSWER.AREA, .PORT or .SKIPPED. */
  ANSWER: 4,
  /** The run in slot s that the runtime gave up on (word CANCEL + s): its job number, or 0. */
  CANCEL: 6,
} as const;

/** Runs a doorbell holds at once: the one running and the next. */
export const SLOTS = 2;

/** The slot of run `job`. */
export function slotOf(job: number): number {
  return job % SLOTS;
}

/** How a run was answered: in its response area, on the port, or skipped (it was cancelled). */
export const ANSWER = { AREA: 1, PORT: 2, SKIPPED: 3 } as const;

const WORDS = WORD.CANCEL + SLOTS;
/** Doubles in each of the request and response areas: room for a few dozen descriptors. */
const AREA = 512;
/** Room for 16 words; a multiple of 8, which keeps the Float64 areas aligned. */
const HEADER_BYTES = 64;

const CODES = Object.keys(DTYPES) as DType[];
const CODE_OF = new Map(CODES.map((dtype, code) => [dtype, code]));

export interface DoorbellViews {
  readonly words: Int32Array;
  /** One request area per slot. */
  readonly request: readonly Float64Array[];
  /** One response area per slot. */
  readonly response: readonly Float64Array[];
}

export function createDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + 2 * SLOTS * AREA * 8);
}

export function doorbellViews(buffer: SharedArrayBuffer): DoorbellViews {
  const area = (n: number) => new Float64Array(buffer, HEADER_BYTES + n * AREA * 8, AREA);
  return {
    words: new Int32Array(buffer, 0, WORDS),
    request: Array.from({ length: SLOTS }, (_, s) => area(s)),
    response: Array.from({ length: SLOTS }, (_, s) => area(SLOTS + s)),
  };
}

/** What the response area says about a run that succeeded. */
export interface AreaResult {
  readonly id: number;
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
  readonly held: number[];
}

/**
 * Writes descriptors after `at`; returns the next free index, or -1 if they do not fit or one of
 * them cannot travel this way (strings have a layout of their own; take the port).
 */
function writeDescriptors(
  area: Float64Array,
  at: number,
  names: readonly string[],
  tensors: Record<string, TensorDescriptor>,
): number {
  let i = at;
  for (const name in tensors) {
    const d = tensors[name]!;
    const index = names.indexOf(name);
    if (index < 0 || d.dtype === 'string' || i + 7 + d.dims.length > area.length) return -1;
    area[i++] = index;
    area[i++] = d.slab;
    area[i++] = d.offset;
    area[i++] = d.byteLength;
    area[i++] = d.gen;
    area[i++] = CODE_OF.get(d.dtype)!;
    area[i++] = d.dims.length;
    for (const dim of d.dims) area[i++] = dim;
  }
  return i;
}

function readDescriptors(
  area: Float64Array,
  at: number,
  count: number,
  names: readonly string[],
): Record<string, TensorDescriptor> {
  const tensors: Record<string, TensorDescriptor> = {};
  let i = at;
  for (let k = 0; k < count; k++) {
    const name = names[area[i++]!]!;
    const slab = area[i++]!;
    const offset = area[i++]!;
    const byteLength = area[i++]!;
    const gen = area[i++]!;
    const dtype = CODES[area[i++]!]!;
    const rank = area[i++]!;
    // Sized at once: an empty array's first push reserves room for 17.
    const dims = new Array<number>(rank);
    for (let r = 0; r < rank; r++) dims[r] = area[i++]!;
    tensors[name] = ownDescriptor(slab, offset, byteLength, gen, dtype, dims);
  }
  return tensors;
}

/** How many tensors a record holds, without the array Object.keys would allocate on every run. */
function countOf(tensors: Record<string, TensorDescriptor>): number {
  let count = 0;
  for (const _ in tensors) count++;
  return count;
}

/** Runtime side: false if the feeds cannot go through the area (then post them). */
export function writeRequest(
  area: Float64Array,
  id: number,
  inputNames: readonly string[],
  feeds: Record<string, TensorDescriptor>,
): boolean {
  area[0] = id;
  const end = writeDescriptors(area, 2, inputNames, feeds);
  if (end < 0) return false;
  area[1] = countOf(feeds);
  return true;
}

/** Worker side. */
export function readRequest(
  area: Float64Array,
  inputNames: readonly string[],
): { readonly id: number; readonly feeds: Record<string, TensorDescriptor> } {
  return { id: area[0]!, feeds: readDescriptors(area, 2, area[1]!, inputNames) };
}

/** Worker side: false if the result cannot go through the area (then post it). */
export function writeResponse(
  area: Float64Array,
  outputNames: readonly string[],
  result: AreaResult,
): boolean {
  if (7 + result.held.length > area.length) return false;
  area[0] = result.id;
  area[1] = countOf(result.outputs);
  area[2] = result.stats.copiedIn;
  area[3] = result.stats.copiedOut;
  area[4] = result.stats.runMs;
  area[5] = result.stats.totalMs;
  area[6] = result.held.length;
  let i = 7;
  for (const slot of result.held) area[i++] = slot;
  return writeDescriptors(area, i, outputNames, result.outputs) >= 0;
}

/** The held slots of the usual answer, which holds none (frozen: shared by every such answer). */
const NOTHING_HELD = Object.freeze([]) as unknown as number[];

/** Runtime side. */
export function readResponse(area: Float64Array, outputNames: readonly string[]): AreaResult {
  const heldCount = area[6]!;
  const held: number[] = heldCount === 0 ? NOTHING_HELD : [];
  for (let k = 0; k < heldCount; k++) held.push(area[7 + k]!);
  return {
    id: area[0]!,
    outputs: readDescriptors(area, 7 + heldCount, area[1]!, outputNames),
    stats: { copiedIn: area[2]!, copiedOut: area[3]!, runMs: area[4]!, totalMs: area[5]! },
    held,
  };
}
