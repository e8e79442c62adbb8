import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KernelLoadError } from '../../../../errors.js';
import { type WasmModule, webAssembly } from './wasm-api.js';

/**
 * The WebAssembly SIMD kernels, compiled from kernels.wat (which documents each of them) by
 * `npm run build` into kernels.wasm beside this file. They work on float32 rows in the module's
 * own memory (the caller copies inputs in): all pointers are byte offsets, counts are in floats.
 *
 * Whether fusion takes this path is decided once per thread by {@link simdCapability}: an engine
 * without WebAssembly SIMD gets the scalar JavaScript loops, and says so. An engine with SIMD
 * whose kernels cannot be loaded (missing, stale or invalid binary) throws {@link KernelLoadError}
 * instead: it never falls back silently.
 */

/** Below this, exp(t) in float32 is subnormal: rowExp returns 0 (kernels.wat, $cFloor). */
export const SIMD_EXP_FLOOR = -87.33654;

export const MAX_COMBINED = 4;

/** The module's exports, as the engine calls them. */
export interface SimdExports {
  readonly combine1Assign: (dst: number, rows: number, classes: number, ...sw: number[]) => void;
  readonly rowMax: (
    src: number,
    rows: number,
    classes: number,
    maxOut: number,
    argmaxOut: number,
    checkOut: number,
  ) => void;
  readonly rowExp: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    maxIn: number,
    invT: number,
    sumOut: number,
  ) => void;
  readonly rowShift: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    shiftIn: number,
  ) => void;
  readonly rowAbsDiff: (
    a: number,
    weights: number,
    b: number,
    rows: number,
    classes: number,
    sumOut: number,
  ) => void;
  readonly rowLog: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    threshold: number,
    countOut: number,
  ) => void;
  readonly [name: string]: unknown;
}

export interface SimdCapability {
  /** True when this engine runs WebAssembly SIMD: fusion then uses the kernels. */
  readonly available: boolean;
  /** Why, in words, for the log line of the scalar path and for health reports. */
  readonly reason: string;
}

let capability: SimdCapability | undefined;

/**
 * Whether this engine has WebAssembly SIMD, decided once by validating simd-probe.wat's binary.
 * Where it has not, a process warning (code ROUNDTABLE_SCALAR_FUSION) says that fusion takes the
 * scalar path, and why.
 */
export function simdCapability(): SimdCapability {
  if (capability !== undefined) return capability;
  const wasm = webAssembly();
  if (wasm === null) {
    capability = { available: false, reason: 'this engine has no WebAssembly' };
  } else if (!wasm.validate(builtBinary('simd-probe'))) {
    capability = { available: false, reason: 'this engine has WebAssembly but not its SIMD' };
  } else {
    capability = { available: true, reason: 'WebAssembly SIMD' };
  }
  if (!capability.available) {
    process.emitWarning(`fusion runs its scalar JavaScript loops: ${capability.reason}`, {
      code: 'ROUNDTABLE_SCALAR_FUSION',
    });
  }
  return capability;
}

let compiled: WasmModule | null | undefined;

/**
 * The compiled kernels, or null where {@link simdCapability} says the engine has no WebAssembly
 * SIMD. Compiled once; throws {@link KernelLoadError} when the engine has SIMD and they do not load.
 */
export function simdModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  if (!simdCapability().available) {
    compiled = null;
    return null;
  }
  const bytes = builtBinary('kernels');
  try {
    compiled = new (webAssembly()!.Module)(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new KernelLoadError(`fusion kernels: kernels.wasm does not compile: ${detail}`);
  }
  return compiled;
}

/**
 * The bytes of `<name>.wasm` beside this module. Running from sources, the binary must be newer
 * than its `.wat` (vitest's global setup and `npm run build` make it so); a stale one would run
 * kernels that are not the ones in the source.
 */
function builtBinary(name: string): Uint8Array {
  const binary = new URL(`./${name}.wasm`, import.meta.url);
  const source = new URL(`./${name}.wat`, import.meta.url);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(binary);
  } catch {
    throw new KernelLoadError(
      `fusion kernels: ${fileURLToPath(binary)} is missing; build it with \`npm run build:kernels\``,
    );
  }
  const sourceTime = modifiedAt(source);
  if (sourceTime !== undefined && sourceTime > statSync(binary).mtimeMs) {
    throw new KernelLoadError(
      `fusion kernels: ${name}.wasm is older than ${name}.wat; rebuild it with \`npm run build:kernels\``,
    );
  }
  return bytes;
}

/** The source's modification time; undefined where it is not shipped (dist/). */
function modifiedAt(file: URL): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
