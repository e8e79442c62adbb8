import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatAnalysisTable, TranslationMemory } from '../src/mt/tm/index.js';

describe('analysis: segments and words of a text by match band, repetitions apart', () => {
  let memory: TranslationMemory;
  beforeEach(() => {
    memory = TranslationMemory.open(':memory:');
    memory.addMany([
      // 20 tokens, so single edits land in distinct bands.
      {
        from: 'en-US',
        to: 'de-DE',
        source:
          'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty',
        target: 'eins …',
      },
      {
        from: 'en-US',
        to: 'de-DE',
        source: 'Open the settings menu.',
        target: 'Öffnen Sie das Einstellungsmenü.',
      },
    ]);
  });
  afterEach(() => memory.close());

  const twenty =
    'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty';
  const replace = (count: number) => {
    const words = twenty.split(' ');
    for (let i = 0; i < count; i++) words[i] = `x${i}`;
    return words.join(' ');
  };

  it('puts each line in the band of its best score and counts repeats once', () => {
    const text = [
      'Open the settings menu.', // 100
      replace(1), // 95
      replace(3), // 85
      replace(5), // 75
      replace(9), // 55
      'Something else entirely.', // no match
      '',
      '  Open the settings   menu. ', // repetition of line 1
      replace(1), // repetition
    ].join('\n');
    const report = memory.analyze(text, 'en', 'de');
    const rows = Object.fromEntries(report.rows.map((r) => [r.band, [r.segments, r.words]]));
    expect(rows).toEqual({
      repetitions: [2, 24],
      '100': [1, 4],
      '95-99': [1, 20],
      '85-94': [1, 20],
      '75-84': [1, 20],
      '50-74': [1, 20],
      'no-match': [1, 3],
    });
    expect(report).toMatchObject({ segments: 8, words: 111, from: 'en', to: 'de', split: 'lines' });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('splits into sentences on request', () => {
    const report = memory.analyze(
      'Open the settings menu. Open the settings menu. Close it.',
      'en',
      'de',
      {
        split: 'sentences',
      },
    );
    expect(report.segments).toBe(3);
    expect(report.rows.find((r) => r.band === 'repetitions')!.segments).toBe(1);
    expect(report.rows.find((r) => r.band === '100')!.segments).toBe(1);
  });

  it('prints a table with a total row', () => {
    const table = formatAnalysisTable(
      memory.analyze('Open the settings menu.\nNew text here.', 'en', 'de'),
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('Analysis en → de');
    expect(lines[1]).toMatch(/^Match\s+Segments\s+Words\s+% words$/);
    expect(lines.find((l) => l.startsWith('100%'))).toMatch(/^100%\s+1\s+4\s+57\.1$/);
    expect(lines.at(-1)).toMatch(/^Total\s+2\s+7\s+100\.0$/);
  });
});
