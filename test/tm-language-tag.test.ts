import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalRange,
  canonicalTag,
  rangeMatches,
  TranslationMemory,
} from '../src/mt/tm/index.js';

describe('language tags: canonical case, RFC 4647 basic filtering', () => {
  let memory: TranslationMemory | undefined;
  afterEach(() => memory?.close());

  it('canonicalises case and underscores per RFC 5646', () => {
    expect(canonicalTag('EN-us')).toBe('en-US');
    expect(canonicalTag('pt_br')).toBe('pt-BR');
    expect(canonicalTag('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalTag('sr-LATN-rs')).toBe('sr-Latn-RS');
    // After a singleton nothing is a region or a script.
    expect(canonicalTag('en-US-x-Legal-AB')).toBe('en-US-x-legal-ab');
    expect(canonicalRange('*')).toBe('*');
  });

  it('refuses what is not shaped like a tag', () => {
    for (const bad of ['', 'e n', 'en--US', 'en-US!', '12-US', 'en-toolongsubtag']) {
      expect(() => canonicalTag(bad), bad).toThrow(
        expect.objectContaining({ name: 'ArgumentError', argument: 'tag' }),
      );
    }
  });

  it('matches a range against tags as basic filtering does', () => {
    expect(rangeMatches('en', 'en-US')).toBe(true);
    expect(rangeMatches('en', 'en')).toBe(true);
    expect(rangeMatches('en', 'eng')).toBe(false);
    expect(rangeMatches('en-US', 'en')).toBe(false);
    expect(rangeMatches('en-US', 'en-GB')).toBe(false);
    expect(rangeMatches('*', 'de-CH')).toBe(true);
  });

  it('finds en-US and en-GB segments with "en", only en-US with "EN-us"', () => {
    memory = TranslationMemory.open(':memory:');
    memory.add({
      from: 'en-US',
      to: 'fr-FR',
      source: 'Choose a color.',
      target: 'Choisissez une couleur.',
    });
    memory.add({
      from: 'en-GB',
      to: 'fr-FR',
      source: 'Choose a colour.',
      target: 'Choisissez une couleur !',
    });
    memory.add({
      from: 'eng',
      to: 'fr-FR',
      source: 'Choose a colour.',
      target: 'Not English by this tag',
    });
    memory.add({
      from: 'en',
      to: 'fr-CA',
      source: 'Choose a colour.',
      target: 'Choisissez une couleur (CA).',
    });

    const any = memory.lookup('Choose a colour.', { from: 'en', to: 'fr', min: 50 });
    expect(any.map((m) => `${m.from}>${m.to}`).sort()).toEqual([
      'en-GB>fr-FR',
      'en-US>fr-FR',
      'en>fr-CA',
    ]);

    const us = memory.lookup('Choose a colour.', { from: 'EN-us', to: 'fr-fr', min: 50 });
    expect(us.map((m) => m.from)).toEqual(['en-US']);
    expect(us[0]!.score).toBe(75); // color ≠ colour: 3 of 4 tokens

    const exact = memory.exact('Choose a colour.', 'en-gb', '*');
    expect(exact.map((m) => [m.from, m.score])).toEqual([['en-GB', 100]]);
  });
});
