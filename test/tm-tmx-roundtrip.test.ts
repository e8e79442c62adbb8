import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TmSegment, TranslationMemory } from '../src/mt/tm/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tmx/${name}`, import.meta.url));

/** Everything a segment holds but its id. */
function content(memory: TranslationMemory): Omit<TmSegment, 'id'>[] {
  return [...memory.segments()].map(({ id: _id, ...rest }) => rest);
}

describe('TMX export: valid TMX 1.4b that imports back into the same segments', () => {
  let dir: string;
  const open: TranslationMemory[] = [];
  const memory = () => {
    const m = TranslationMemory.open(':memory:');
    open.push(m);
    return m;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tm-roundtrip-'));
  });
  afterEach(() => {
    for (const m of open.splice(0)) m.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('import → export → import keeps text, markup and metadata, and export is a fixed point', async () => {
    const first = memory();
    await first.importTmx(fixture('multilingual.tmx'));
    await first.importTmx(fixture('all-languages.tmx'));
    const exported = join(dir, 'out.tmx');
    const summary = await first.exportTmx(exported);
    expect(summary.segments).toBe(first.stats().segments);
    expect(summary.srclang).toBe('*all*');

    const second = memory();
    const reimport = await second.importTmx(exported);
    expect(reimport).toMatchObject({ imported: summary.segments, skipped: 0, duplicates: 0 });
    expect(content(second)).toEqual(content(first));

    const again = join(dir, 'again.tmx');
    await second.exportTmx(again);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(exported, 'utf8'));
  });

  it('writes the TMX 1.4b header and well-formed XML with escaped text and attributes', async () => {
    const m = memory();
    m.add({
      from: 'en',
      to: 'de',
      source: 'Fish & chips < "5" \r\n',
      target: 'Fisch & Pommes < "5"',
      tuid: 'quote " amp & lt < tab\t',
      changeDate: '2024-06-01T12:00:00Z',
      props: [{ type: 'x-a"b', value: 'v & <w>' }],
      notes: [{ value: ']]> is fine', at: 'target' }],
    });
    const out = join(dir, 'escaped.tmx');
    await m.exportTmx(out, { from: 'en' });
    const xml = readFileSync(out, 'utf8');

    const parser = new SaxesParser({ xmlns: false });
    const tags: { name: string; attributes: Record<string, string> }[] = [];
    let seg = '';
    let inSeg = 0;
    parser.on('opentag', (tag) => {
      tags.push({ name: tag.name, attributes: tag.attributes });
      if (tag.name === 'seg') inSeg++;
    });
    parser.on('closetag', (tag) => {
      if (tag.name === 'seg') inSeg--;
    });
    parser.on('text', (text) => {
      if (inSeg > 0 && seg === '') seg = text;
    });
    parser.write(xml).close();

    expect(tags[0]).toEqual({ name: 'tmx', attributes: { version: '1.4' } });
    expect(tags[1]!.name).toBe('header');
    expect(tags[1]!.attributes).toMatchObject({
      creationtool: 'roundtable',
      segtype: 'sentence',
      'o-tmf': 'roundtable',
      adminlang: 'en',
      srclang: 'en',
      datatype: 'plaintext',
    });
    expect(tags[1]!.attributes.creationtoolversion).toMatch(/^\d+\.\d+\.\d+/);
    const tu = tags.find((t) => t.name === 'tu')!;
    expect(tu.attributes).toEqual({
      tuid: 'quote " amp & lt < tab\t',
      changedate: '20240601T120000Z',
      srclang: 'en',
    });
    expect(seg).toBe('Fish & chips < "5" \r\n');

    const back = memory();
    await back.importTmx(out);
    expect(content(back)).toEqual(content(m));
  });

  it('exports only the filtered pairs, to a stream it leaves open', async () => {
    const m = memory();
    await m.importTmx(fixture('multilingual.tmx'));
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const summary = await m.exportTmx(stream, { from: 'en', to: 'fr' });
    expect(stream.writableEnded).toBe(false);
    stream.end();
    const xml = Buffer.concat(chunks).toString('utf8');
    expect(summary.segments).toBe(4); // 3 en-US>fr-FR + 1 en-GB>fr-FR
    expect(summary.srclang).toBe('*all*'); // two source languages
    expect(xml.match(/<tu /g)).toHaveLength(4);
    expect(xml).not.toContain('xml:lang="de-DE"');
  });
});
