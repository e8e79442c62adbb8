import {
  addTo,
  frame,
  i32x4Const,
  ROW_LOCALS,
  rowBounds,
  rowSizes,
  whileBelow,
} from './kernel-helpers.js';
import { type Code, op, valueType, type WasmFunction } from './wasm-encoding.js';

/** rowShift and rowAbsDiff: the small per-row passes of log-softmax and of agreement. */
const { i32, f32, f64, v128 } = valueType;

export function rowShift(): WasmFunction {
  const { at, ...types } = frame(
    [
      ['src', i32],
      ['dst', i32],
      ['rows', i32],
      ['classes', i32],
      ['shiftIn', i32],
    ],
    [...ROW_LOCALS, ['vs', v128], ['shift', f32]],
  );
  const g = (name: string) => op.get(at[name]!);
  const lanes: Code = [
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(),
    ...g('vs'),
    ...op.f32x4Sub,
    ...op.v128Store(),
    ...addTo(at.o!, 16),
  ];
  const tail: Code = [
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...g('shift'),
    ...op.f32Sub,
    ...op.f32Store(),
    ...addTo(at.o!, 4),
  ];
  return {
    name: 'rowShift',
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...whileBelow(
        at.r!,
        at.rows!,
        [
          ...g('shiftIn'),
          ...g('r'),
          ...op.i32(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...op.f32Load(),
          ...op.tee(at.shift!),
          ...op.f32x4Splat,
          ...op.set(at.vs!),
        ],
        rowBounds(at),
        whileBelow(at.o!, at.vecEnd!, lanes),
        whileBelow(at.o!, at.rowEnd!, tail),
        addTo(at.r!, 1),
      ),
    ],
  };
}

/**
 * rowAbsDiff(a, weights, b, rows, classes, sumOut): per row Σ_j |w_r·a_j − b_j|, summed in
 * float64 (twice the total-variation distance when w·a and b are distributions).
 */
export function rowAbsDiff(): WasmFunction {
  const { at, ...types } = frame(
    [
      ['a', i32],
      ['weights', i32],
      ['b', i32],
      ['rows', i32],
      ['classes', i32],
      ['sumOut', i32],
    ],
    [...ROW_LOCALS, ['vw', v128], ['w', f32], ['d', v128], ['s64', v128], ['s', f64]],
  );
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  const lanes: Code = [
    ...g('a'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(),
    ...g('vw'),
    ...op.f32x4Mul,
    ...g('b'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(),
    ...op.f32x4Sub,
    ...op.f32x4Abs,
    ...s('d'),
    ...g('s64'),
    ...g('d'),
    ...op.f64x2PromoteLowF32x4,
    ...g('d'),
    ...g('d'),
    ...op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]),
    ...op.f64x2PromoteLowF32x4,
    ...op.f64x2Add,
    ...op.f64x2Add,
    ...s('s64'),
    ...addTo(at.o!, 16),
  ];
  const tail: Code = [
    ...g('s'),
    ...g('a'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...g('w'),
    ...op.f32Mul,
    ...g('b'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...op.f32Sub,
    ...op.f32Abs,
    ...op.f64PromoteF32,
    ...op.f64Add,
    ...s('s'),
    ...addTo(at.o!, 4),
  ];
  return {
    name: 'rowAbsDiff',
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...whileBelow(
        at.r!,
        at.rows!,
        [
          ...g('weights'),
          ...g('r'),
          ...op.i32(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...op.f32Load(),
          ...op.tee(at.w!),
          ...op.f32x4Splat,
          ...s('vw'),
          ...i32x4Const(0, 0, 0, 0),
          ...s('s64'),
        ],
        rowBounds(at),
        whileBelow(at.o!, at.vecEnd!, lanes),
        [
          ...g('s64'),
          ...op.f64x2ExtractLane(0),
          ...g('s64'),
          ...op.f64x2ExtractLane(1),
          ...op.f64Add,
          ...s('s'),
        ],
        whileBelow(at.o!, at.rowEnd!, tail),
        [
          ...g('sumOut'),
          ...g('r'),
          ...op.i32(3),
          ...op.i32Shl,
          ...op.i32Add,
          ...g('s'),
          ...op.f64Store(),
        ],
        addTo(at.r!, 1),
      ),
    ],
  };
}
