import { describe, expect, it } from 'vitest';
import {
  joinWords,
  splitWords,
  WordTokenizer,
  type WordVocabulary,
} from '../src/mt/tokenizer/index.js';

const vocabulary: WordVocabulary = {
  type: 'word',
  tokens: ['<pad>', '</s>', '<s>', '<unk>', '<sep>', 'the', 'cat', 'sleeps', '.', ','],
  special: { pad: '<pad>', bos: '<s>', eos: '</s>', unk: '<unk>' },
  controls: ['<sep>'],
};

describe('word tokenizer: text to ids and back', () => {
  const tokenizer = WordTokenizer.fromVocabulary(vocabulary);

  it('cuts words and punctuation marks, and finds the special ids by name', () => {
    expect(splitWords('the cat, sleeps.')).toEqual(['the', 'cat', ',', 'sleeps', '.']);
    expect(tokenizer.encode('the cat sleeps.')).toEqual([5, 6, 7, 8]);
    expect(tokenizer.special).toEqual({ pad: 0, bos: 2, eos: 1, unk: 3 });
    expect(tokenizer.vocabSize).toBe(10);
    expect(tokenizer.idOf('<sep>')).toBe(4);
    expect(tokenizer.idOf('dog')).toBeUndefined();
  });

  it('maps words outside the vocabulary to unk', () => {
    expect(tokenizer.encode('the dog sleeps')).toEqual([5, 3, 7]);
  });

  it('decodes without special or control ids, and without a space before punctuation', () => {
    expect(tokenizer.decode([2, 5, 6, 9, 7, 8, 4, 1, 0])).toBe('the cat, sleeps.');
    expect(joinWords(splitWords('the cat, sleeps.'))).toBe('the cat, sleeps.');
  });

  it('round-trips its vocabulary through JSON', () => {
    const again = WordTokenizer.fromVocabulary(JSON.parse(JSON.stringify(tokenizer)));
    expect(again.encode('the cat sleeps.')).toEqual(tokenizer.encode('the cat sleeps.'));
    expect(again.toJSON()).toEqual(tokenizer.toJSON());
  });

  it('refuses vocabularies with duplicate entries, missing specials, or ids out of range', () => {
    expect(() =>
      WordTokenizer.fromVocabulary({ ...vocabulary, tokens: [...vocabulary.tokens, 'cat'] }),
    ).toThrow(/"cat" is both entry 6 and entry 10/);
    expect(() =>
      WordTokenizer.fromVocabulary({
        ...vocabulary,
        special: { ...vocabulary.special, unk: '<oov>' },
      }),
    ).toThrow(/special "unk" names "<oov>"/);
    expect(() => WordTokenizer.fromVocabulary({ type: 'bpe' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'vocabulary.type' }),
    );
    expect(() => tokenizer.decode([10])).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'ids[0]' }),
    );
  });
});
