export { readSpecialTokens, type SpecialTokenIds } from './special-tokens.js';
export { type DecodeOptions, type EncodeOptions, Tokenizer } from './tokenizer.js';
