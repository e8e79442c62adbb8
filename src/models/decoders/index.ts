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
export {
  type DraftTargetOptions,
  type DraftTargetPair,
  targetAlternative,
  targetDisagrees,
  writeDraftTargetPair,
} from './draft-target-pair.js';
export {
  type EncoderDecoderFolderOptions,
  writeEncoderDecoderFolder,
} from './encoder-decoder-folder.js';
export {
  type EncoderDecoderGraphKind,
  encoderDecoderFileNames,
  encoderDecoderGraph,
  seq2seqPastName,
  seq2seqPresentName,
} from './encoder-decoder-graphs.js';
export { vocabularyWord, wordTokenizerConfig, wordTokenizerJson } from './word-tokenizer.js';
