import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TmSegment, TranslationMemory } from '../src/mt/tm/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tmx/${name}`, import.meta.url));

describe('TMX import: units become (source, target) segments with markup and metadata', () => {
  let memory: TranslationMemory;
  beforeEach(() => {
    memory = TranslationMemory.open(':memory:');
  });
  afterEach(() => memory.close());

  const byTuid = (tuid: string, to?: string): TmSegment => {
    const found = [...memory.segments()].filter((s) => s.tuid === tuid && (!to || s.to === to));
    expect(found, `segments of ${tuid}`).toHaveLength(1);
    return found[0]!;
  };

  it('counts units, segments, skips and language pairs', async () => {
    const summary = await memory.importTmx(fixture('multilingual.tmx'));
    expect(summary.units).toBe(12);
    expect(summary.imported).toBe(10);
    expect(summary.duplicates).toBe(0);
    expect(summary.skipped).toBe(3); // no-lang, lonely, html-inside
    expect(summary.issues.map((i) => i.reason)).toContain('<tuv> without xml:lang left out');
    expect(summary.issues.some((i) => /holds <b>/.test(i.reason))).toBe(true);
    const pairs = Object.fromEntries(summary.pairs.map((p) => [`${p.from}>${p.to}`, p.segments]));
    expect(pairs).toEqual({
      'en-US>fr-FR': 3,
      'en-US>de-DE': 2,
      'en-US>ja-JP': 1,
      'en-US>es-ES': 1,
      'fr-FR>en-US': 1,
      'en-GB>fr-FR': 1,
      'en-US>pt-BR': 1,
    });
    expect(memory.stats().segments).toBe(10);
  });

  it('a three-language unit gives one segment per target, with its metadata', async () => {
    await memory.importTmx(fixture('multilingual.tmx'));
    const fr = byTuid('greeting', 'fr-FR');
    const de = byTuid('greeting', 'de-DE');
    expect(fr.source).toBe('Welcome to our website.');
    expect(de.target).toBe('Willkommen auf unserer Website.');
    expect(fr).toMatchObject({
      creationDate: '2024-01-05T10:15:00Z',
      creationId: 'ana',
      changeDate: '2024-03-10T08:00:00Z',
      changeId: 'ben',
    });
    expect(fr.props).toEqual([
      { type: 'x-project', value: 'Website' },
      { type: 'x-context', value: 'hero', at: 'source' },
    ]);
    expect(fr.notes).toEqual([
      { value: 'Shown on the home page.' },
      { value: 'Ton formel.', lang: 'fr', at: 'target' },
    ]);
    // The French note belongs to the French variant only.
    expect(de.notes).toEqual([{ value: 'Shown on the home page.' }]);
  });

  it('keeps inline tags in the markup and leaves native code out of the text', async () => {
    await memory.importTmx(fixture('multilingual.tmx'));
    const link = byTuid('bold-link');
    expect(link.source).toBe('Click here to continue.');
    expect(link.sourceMarkup).toBe(
      'Click <bpt i="1" x="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept> to <hi type="emphasis">continue</hi>.',
    );
    const placeholder = byTuid('placeholder');
    expect(placeholder.source).toBe('You have  new messages & alerts.');
    expect(placeholder.targetMarkup).toContain('<ph x="2" type="x-var">{count}</ph>');
    // <sub> inside a code element is another flow: not part of the sentence.
    const footnote = byTuid('footnote');
    expect(footnote.source).toBe('See the image below.');
    expect(footnote.target).toBe('下の画像を参照してください。');
    expect(footnote.sourceMarkup).toBe(
      'See the image<ph x="4">&lt;img alt="<sub>A red bicycle</sub>"/&gt;</ph> below.',
    );
    expect(byTuid('legacy-ut').source).toBe('Warning: the file is read-only.');
  });

  it('decodes entities and CDATA, and escapes them again in the markup', async () => {
    await memory.importTmx(fixture('multilingual.tmx'));
    const price = byTuid('entities-cdata');
    expect(price.source).toBe('Price: 5 € < 10 € "sale"');
    expect(price.target).toBe('Prix : 5 € < 10 € « soldes »');
    expect(price.targetMarkup).toBe('Prix : 5 € &lt; 10 € « soldes »');
  });

  it('takes the source from the unit srclang, the header srclang, or by range', async () => {
    await memory.importTmx(fixture('multilingual.tmx'));
    expect(byTuid('source-override')).toMatchObject({ from: 'fr-FR', to: 'en-US' });
    // Header srclang en-US, the unit has en-GB: related by range, so en-GB is the source.
    expect(byTuid('british')).toMatchObject({ from: 'en-GB', to: 'fr-FR' });
    expect(byTuid('lowercase-tags')).toMatchObject({ from: 'en-US', to: 'pt-BR' });
  });

  it('srclang="*all*" gives every ordered pair; a unit srclang still directs its unit', async () => {
    const summary = await memory.importTmx(fixture('all-languages.tmx'));
    expect(summary.imported).toBe(7);
    const tri = [...memory.segments()].filter((s) => s.tuid === 'tri');
    expect(tri.map((s) => `${s.from}>${s.to}`).sort()).toEqual([
      'de>en',
      'de>it',
      'en>de',
      'en>it',
      'it>de',
      'it>en',
    ]);
    expect(byTuid('directed')).toMatchObject({ from: 'en', to: 'it', source: 'Good night.' });
  });

  it('importing the same file again adds nothing', async () => {
    await memory.importTmx(fixture('multilingual.tmx'));
    const again = await memory.importTmx(fixture('multilingual.tmx'));
    expect(again).toMatchObject({ imported: 0, duplicates: 10 });
    expect(memory.stats().segments).toBe(10);
  });
});
