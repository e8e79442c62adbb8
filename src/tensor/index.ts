export type {
  AllocatedTensor,
  ArenaHandle,
  ArenaOptions,
  ArenaStats,
  SlabEntry,
  SlabListener,
} from './arena.js';
export { Arena } from './arena.js';
export type { TensorDescriptor } from './descriptor.js';
export type {
  DType,
  DTypeArray,
  DTypeArrayMap,
  DTypeInfo,
  NumericArray,
  NumericArrayConstructor,
  NumericDType,
} from './dtype.js';
export { DTYPES, dtypeFromOnnx, isDType, isNumericDType, OnnxDataType } from './dtype.js';
export type { HostTensor } from './host-tensor.js';
export { stringHeaderBytes, stringTensorBytes } from './string-layout.js';
