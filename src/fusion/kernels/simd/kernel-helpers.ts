import { type Code, op, valueType } from './wasm-encoding.js';

/** Pieces shared by the kernel generators: locals by name, loops, constants, row bounds. */
const { i32 } = valueType;

export interface Frame {
  readonly params: number[];
  readonly locals: number[];
  readonly at: Record<string, number>;
}

export function frame(params: [string, number][], locals: [string, number][]): Frame {
  const at: Record<string, number> = {};
  [...params, ...locals].forEach(([name], i) => {
    at[name] = i;
  });
  return { params: params.map((p) => p[1]), locals: locals.map((l) => l[1]), at };
}

/** while (counter < end) { body } — the body must not branch out. */
export function whileBelow(counter: number, end: number, ...body: Code[]): Code {
  return op.block(op.loop(op.get(counter), op.get(end), op.i32GeS, op.brIf(1), ...body, op.br(0)));
}

export function addTo(local: number, amount: number): Code {
  return [...op.get(local), ...op.i32(amount), ...op.i32Add, ...op.set(local)];
}

export function splatF32(value: number): Code {
  return [...op.f32(value), ...op.f32x4Splat];
}

export function i32x4Const(a: number, b: number, c: number, d: number): Code {
  const bytes = new Uint8Array(Int32Array.from([a, b, c, d]).buffer);
  return op.v128Const(Array.from(bytes));
}

/** Row loop header shared by the kernels: o runs over the row's bytes, vecEnd ends the lanes. */
export function rowBounds(at: Record<string, number>): Code {
  return [
    ...op.get(at.o!),
    ...op.get(at.rowBytes!),
    ...op.i32Add,
    ...op.set(at.rowEnd!),
    ...op.get(at.o!),
    ...op.get(at.vecBytes!),
    ...op.i32Add,
    ...op.set(at.vecEnd!),
  ];
}

export function rowSizes(at: Record<string, number>): Code {
  return [
    ...op.get(at.classes!),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.set(at.rowBytes!),
    ...op.get(at.classes!),
    ...op.i32(-4),
    ...op.i32And,
    ...op.i32(2),
    ...op.i32Shl,
    ...op.set(at.vecBytes!),
  ];
}

export const ROW_LOCALS: [string, number][] = [
  ['r', i32],
  ['o', i32],
  ['rowEnd', i32],
  ['vecEnd', i32],
  ['rowBytes', i32],
  ['vecBytes', i32],
];
