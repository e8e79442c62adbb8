import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmClosedError, TmDatabaseError, TranslationMemory } from '../src/mt/tm/index.js';

describe('TranslationMemory: a file-backed store with a guarded lifecycle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tm-api-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists segments in a WAL-mode SQLite file across opens', () => {
    const path = join(dir, 'memory.db');
    const memory = TranslationMemory.open(path);
    const id = memory.add({ from: 'en', to: 'fr', source: 'Yes.', target: 'Oui.' });
    expect(id).toBe(1);
    expect(memory.add({ from: 'EN', to: 'fr', source: 'Yes.', target: 'Oui.' })).toBeNull();
    expect(
      memory.addMany([
        { from: 'en', to: 'fr', source: 'No.', target: 'Non.' },
        { from: 'en', to: 'fr', source: 'Yes.', target: 'Oui.' },
        { from: 'en', to: 'fr', source: 'Yes.', target: 'Oui !' },
      ]),
    ).toEqual({ added: 2, duplicates: 1 });
    memory.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    const again = TranslationMemory.open(path);
    expect(again.stats()).toMatchObject({
      segments: 3,
      pairs: [{ from: 'en', to: 'fr', segments: 3 }],
    });
    expect(
      again
        .exact('Yes.', 'en', 'fr')
        .map((m) => m.target)
        .sort(),
    ).toEqual(['Oui !', 'Oui.']);
    again.close();
  });

  it('takes TMX inline markup as input and derives the matching text from it', () => {
    const memory = TranslationMemory.open(':memory:');
    memory.add({
      from: 'en',
      to: 'fr',
      sourceMarkup: 'Press <ph x="1">&lt;kbd&gt;Enter&lt;/kbd&gt;</ph> <![CDATA[now]]>.',
      target: 'Appuyez sur Entrée.',
    });
    const [segment] = memory.segments();
    expect(segment!.source).toBe('Press  now.');
    expect(segment!.sourceMarkup).toBe('Press <ph x="1">&lt;kbd&gt;Enter&lt;/kbd&gt;</ph> now.');
    expect(segment!.targetMarkup).toBe('Appuyez sur Entrée.');
    // Matching sees the text only: the tag-less sentence is an exact match.
    expect(memory.lookup('Press now.', { from: 'en', to: 'fr' })[0]!.score).toBe(100);
    memory.close();
  });

  it('refuses what it cannot store, naming the field', () => {
    const memory = TranslationMemory.open(':memory:');
    const base = { from: 'en', to: 'fr', target: 't' };
    expect(() => memory.add({ ...base, source: '  ' })).toThrow(/no text to match/);
    expect(() => memory.add({ ...base, sourceMarkup: 'a <b>bold</b>' })).toThrow(
      /not a TMX 1.4b inline/,
    );
    expect(() => memory.add({ ...base, sourceMarkup: 'a <ph>' })).toThrow(
      expect.objectContaining({
        name: 'ArgumentError',
        code: 'ERR_ARGUMENT',
        argument: 'segment.sourceMarkup',
      }),
    );
    expect(() => memory.add({ ...base, source: 'bell \u0007' })).toThrow(/U\+0007 at index 5/);
    expect(() => memory.add({ ...base, source: 's', changeDate: 'last week' })).toThrow(
      /changeDate/,
    );
    expect(() => memory.add({ ...base, source: 's', from: 'not a tag' })).toThrow(
      expect.objectContaining({
        name: 'ArgumentError',
        code: 'ERR_ARGUMENT',
        argument: 'segment.from',
      }),
    );
    expect(() => memory.add({ ...base, source: 42 as unknown as string })).toThrow(
      expect.objectContaining({
        name: 'ArgumentError',
        code: 'ERR_ARGUMENT',
        argument: 'segment.source',
      }),
    );
    expect(() =>
      memory.addMany([
        { ...base, source: 's' },
        { ...base, source: 's', to: 7 as never },
      ]),
    ).toThrow(
      expect.objectContaining({
        name: 'ArgumentError',
        code: 'ERR_ARGUMENT',
        argument: 'segments[1].to',
      }),
    );
    expect(() =>
      memory.add({ ...base, source: 's', props: [{ type: 'x', value: 1n as never }] }),
    ).toThrow(
      expect.objectContaining({
        name: 'ArgumentError',
        code: 'ERR_ARGUMENT',
        argument: 'segment.props[0].value',
      }),
    );
    expect(memory.stats().segments).toBe(0);
    memory.close();
  });

  it('throws TmClosedError after close, and closing twice is harmless', async () => {
    const memory = TranslationMemory.open(':memory:');
    memory.close();
    memory.close();
    expect(() => memory.lookup('x', { from: 'en', to: 'fr' })).toThrow(TmClosedError);
    expect(() => memory.stats()).toThrow(/is closed/);
    await expect(memory.exportTmx(join(dir, 'x.tmx'))).rejects.toBeInstanceOf(TmClosedError);
  });

  it('refuses a file that is not a translation memory', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not an SQLite database, just some text that is long enough');
    expect(() => TranslationMemory.open(garbage)).toThrow(TmDatabaseError);

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    expect(() => TranslationMemory.open(other)).toThrow(/not a translation memory/);

    const future = join(dir, 'future.db');
    const f = new Database(future);
    f.pragma('user_version = 99');
    f.close();
    const error = (() => {
      try {
        TranslationMemory.open(future);
      } catch (e) {
        return e as TmDatabaseError;
      }
    })();
    expect(error?.code).toBe('ERR_TM_DATABASE');
    expect(error?.message).toMatch(/schema version 99/);
  });
});
