/**
 * Machine-translation metrics with sacreBLEU's conventions and numbers (sacreBLEU 2.6.0): corpus
 * and sentence BLEU, chrF and chrF++, and the signatures that say how a score was computed.
 */
export type {
  BleuComputation,
  BleuOptions,
  BleuScore,
  BleuScoringOptions,
  SmoothMethod,
} from './bleu.js';
export { computeBleu, corpusBleu, sentenceBleu } from './bleu.js';
export type { BleuTokenizerName } from './bleu-tokenizers.js';
export { BLEU_TOKENIZERS, bleuTokenizer } from './bleu-tokenizers.js';
export type { ChrfOptions, ChrfScore } from './chrf.js';
export { chrfPlusPlus, corpusChrf, sentenceChrf } from './chrf.js';
export { formatFixed } from './format-fixed.js';
export type { ReferenceStreams } from './references.js';
export type { MetricScore } from './score-report.js';
export { formatScoreLine, scoreRecord } from './score-report.js';
export { SACREBLEU_VERSION } from './signature.js';
export { tokenize13a } from './tokenizer-13a.js';
export { tokenizeIntl } from './tokenizer-intl.js';
