export type { SpecialIds, Tokenizer } from './tokenizer.js';
export type { WordVocabulary } from './word-tokenizer.js';
export { joinWords, splitWords, WordTokenizer } from './word-tokenizer.js';
