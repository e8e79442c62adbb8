import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranslationMemory } from '../src/mt/tm/index.js';

describe('lookup: exact and fuzzy matches, best first', () => {
  let memory: TranslationMemory;
  beforeEach(() => {
    memory = TranslationMemory.open(':memory:');
    memory.addMany([
      {
        from: 'en',
        to: 'fr',
        source: 'The printer is out of paper.',
        target: "L'imprimante n'a plus de papier.",
      },
      {
        from: 'en',
        to: 'fr',
        source: 'The printer is out of toner.',
        target: "L'imprimante n'a plus de toner.",
      },
      {
        from: 'en',
        to: 'fr',
        source: 'The scanner is out of paper.',
        target: "Le scanner n'a plus de papier.",
      },
      { from: 'en', to: 'fr', source: 'Restart the printer.', target: "Redémarrez l'imprimante." },
      {
        from: 'en',
        to: 'de',
        source: 'The printer is out of paper.',
        target: 'Der Drucker hat kein Papier.',
      },
    ]);
  });
  afterEach(() => memory.close());

  it('an exact match scores 100 and comes first; white space does not matter, case does', () => {
    const [best, ...rest] = memory.lookup('  The printer is out of   paper. ', {
      from: 'en',
      to: 'fr',
    });
    expect(best).toMatchObject({ score: 100, target: "L'imprimante n'a plus de papier." });
    // 7 tokens, one substituted: 100 × 6/7 = 85.7 → 85; undated ties go newest first.
    expect(rest.map((m) => [m.source, m.score])).toEqual([
      ['The scanner is out of paper.', 85],
      ['The printer is out of toner.', 85],
    ]);
    const cased = memory.lookup('THE PRINTER IS OUT OF PAPER.', { from: 'en', to: 'fr' });
    expect(cased[0]!.score).toBe(99);
    expect(memory.exact('THE PRINTER IS OUT OF PAPER.', 'en', 'fr')).toEqual([]);
  });

  it('counts punctuation as tokens and honours min', () => {
    expect(memory.lookup('Restart the printer!', { from: 'en', to: 'fr' })[0]!.score).toBe(75);
    expect(memory.lookup('Restart the printer!', { from: 'en', to: 'fr', min: 76 })).toEqual([]);
    const low = memory.lookup('Restart the printer now, please.', {
      from: 'en',
      to: 'fr',
      min: 50,
    });
    expect(low.map((m) => [m.source, m.score])).toEqual([['Restart the printer.', 57]]);
  });

  it('breaks ties by most recent change date, then creation date, then newest', () => {
    const tm = TranslationMemory.open(':memory:');
    try {
      const base = { from: 'en', to: 'fr', source: 'Save the file.' };
      tm.add({ ...base, target: 'old', changeDate: '2023-01-01T00:00:00Z' });
      tm.add({ ...base, target: 'newest change', changeDate: '2024-06-01T00:00:00Z' });
      tm.add({ ...base, target: 'created only', creationDate: '2024-01-01T00:00:00Z' });
      tm.add({ ...base, target: 'undated' });
      tm.add({ ...base, target: 'undated, added last' });
      const targets = tm.lookup('Save the file.', { from: 'en', to: 'fr' }).map((m) => m.target);
      expect(targets).toEqual([
        'newest change',
        'created only',
        'old',
        'undated, added last',
        'undated',
      ]);
    } finally {
      tm.close();
    }
  });

  it('limit cuts the list; the language pair filters it', () => {
    expect(
      memory.lookup('The printer is out of ink.', { from: 'en', to: 'fr', limit: 1 }),
    ).toHaveLength(1);
    const german = memory.lookup('The printer is out of paper.', { from: 'en', to: 'de' });
    expect(german.map((m) => m.target)).toEqual(['Der Drucker hat kein Papier.']);
    expect(memory.lookup('The printer is out of paper.', { from: 'de', to: 'en' })).toEqual([]);
    expect(memory.lookup('', { from: 'en', to: 'fr' })).toEqual([]);
  });

  it('refuses a bad min, limit or language range', () => {
    const refused = (argument: string) =>
      expect.objectContaining({ name: 'ArgumentError', code: 'ERR_ARGUMENT', argument });
    expect(() => memory.lookup('x', { from: 'en', to: 'fr', min: 101 })).toThrow(
      refused('options.min'),
    );
    expect(() => memory.lookup('x', { from: 'en', to: 'fr', limit: 0 })).toThrow(
      refused('options.limit'),
    );
    expect(() => memory.lookup('x', { from: 'e n', to: 'fr' })).toThrow(refused('options.from'));
    expect(() => memory.lookup(3 as never, { from: 'en', to: 'fr' })).toThrow(refused('text'));
    expect(() => memory.lookup('x', null as never)).toThrow(refused('options'));
  });
});
