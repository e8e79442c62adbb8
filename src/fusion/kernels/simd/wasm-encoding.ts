/**
 * Just enough of the WebAssembly binary format to write the SIMD kernels by hand, without a
 * toolchain: LEB128, the module sections, and named opcodes. Code is a flat array of bytes.
 */
export type Code = number[];

export const valueType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

export function unsignedLeb(value: number): Code {
  const bytes: Code = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

export function signedLeb(value: number): Code {
  const bytes: Code = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

function vector(items: Code[]): Code {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function section(id: number, body: Code): Code {
  return [id, ...unsignedLeb(body.length), ...body];
}

function name(text: string): Code {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...unsignedLeb(bytes.length), ...bytes];
}

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Types of the locals after the parameters, one entry per local. */
  readonly locals: readonly number[];
  readonly body: Code;
}

/**
 * A module that imports its memory as env.memory (so each user gives it its own) and exports
 * every function by name.
 */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]];
  const declarations = functions.map((_, i) => unsignedLeb(i));
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb(i)]);
  const bodies = functions.map((f) => {
    const locals = f.locals.map((t) => [1, t]);
    const body = [...vector(locals), ...f.body, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(declarations)),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}

/** A SIMD instruction: the 0xfd prefix, then its opcode as unsigned LEB128 (0x80 and up take 2 bytes). */
function simd(code: number): Code {
  return [0xfd, ...unsignedLeb(code)];
}

const f32Bytes = new Uint8Array(4);
const f32View = new DataView(f32Bytes.buffer);

/** Instructions by name; those with immediates are functions. */
export const op = {
  block: (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b],
  loop: (...body: Code[]): Code => [0x03, 0x40, ...body.flat(), 0x0b],
  ifThen: (...body: Code[]): Code => [0x04, 0x40, ...body.flat(), 0x0b],
  br: (depth: number): Code => [0x0c, depth],
  brIf: (depth: number): Code => [0x0d, depth],
  get: (local: number): Code => [0x20, ...unsignedLeb(local)],
  set: (local: number): Code => [0x21, ...unsignedLeb(local)],
  tee: (local: number): Code => [0x22, ...unsignedLeb(local)],
  select: [0x1b],
  i32: (value: number): Code => [0x41, ...signedLeb(value)],
  f32: (value: number): Code => {
    f32View.setFloat32(0, value, true);
    return [0x43, ...f32Bytes];
  },
  i32Load: (offset = 0): Code => [0x28, 2, ...unsignedLeb(offset)],
  f32Load: (offset = 0): Code => [0x2a, 2, ...unsignedLeb(offset)],
  f64Load: (offset = 0): Code => [0x2b, 3, ...unsignedLeb(offset)],
  i32Store: (offset = 0): Code => [0x36, 2, ...unsignedLeb(offset)],
  f32Store: (offset = 0): Code => [0x38, 2, ...unsignedLeb(offset)],
  f64Store: (offset = 0): Code => [0x39, 3, ...unsignedLeb(offset)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Or: [0x72],
  i32LtS: [0x48],
  i32GeS: [0x4e],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  f32Eq: [0x5b],
  f32Lt: [0x5d],
  f32Ge: [0x60],
  f32Gt: [0x5e],
  f32Abs: [0x8b],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f64Add: [0xa0],
  f32DemoteF64: [0xb6],
  f64PromoteF32: [0xbb],
  // SIMD (prefix 0xfd)
  v128Load: (offset = 0): Code => [...simd(0x00), 2, ...unsignedLeb(offset)],
  v128Store: (offset = 0): Code => [...simd(0x0b), 2, ...unsignedLeb(offset)],
  v128Const: (bytes: readonly number[]): Code => [...simd(0x0c), ...bytes],
  i8x16Shuffle: (lanes: readonly number[]): Code => [...simd(0x0d), ...lanes],
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  i32x4ExtractLane: (lane: number): Code => [...simd(0x1b), lane],
  f32x4ExtractLane: (lane: number): Code => [...simd(0x1f), lane],
  f64x2ExtractLane: (lane: number): Code => [...simd(0x21), lane],
  f32x4Lt: simd(0x43),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  v128Bitselect: simd(0x52),
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  f32x4Abs: simd(0xe0),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Pmax: simd(0xeb),
  f64x2Add: simd(0xf0),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa),
};
