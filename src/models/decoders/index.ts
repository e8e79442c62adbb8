export { type DecoderFolderOptions, writeDecoderFolder } from './decoder-folder.js';
export {
  type DecoderGraphKind,
  decoderFileNames,
  decoderGraph,
  pastName,
  presentName,
} from './decoder-graphs.js';
export {
  SPECIAL_TOKENS,
  type TransformerOptions,
  type TransformerParams,
  transformerParams,
} from './decoder-options.js';
