import type { DType, DTypeArray } from './dtype.js';

/**
 * A tensor in the caller's own memory (not the arena): what a user passes in and gets back when
 * they do not manage arena lifetimes themselves. `readTensor` returns one over a private
 * `ArrayBuffer` (`B = ArrayBuffer`), which is what onnxruntime-node accepts.
 */
export interface HostTensor<D extends DType = DType, B extends ArrayBufferLike = ArrayBufferLike> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: D extends 'string' ? readonly string[] : DTypeArray<D, B>;
}
