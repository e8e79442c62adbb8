import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoundtableError } from '../src/errors.js';
import { TmxFormatError, TmxParseError, TranslationMemory } from '../src/mt/tm/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tmx/${name}`, import.meta.url));

describe('TMX import failures are typed errors that say where', () => {
  let memory: TranslationMemory;
  beforeEach(() => {
    memory = TranslationMemory.open(':memory:');
  });
  afterEach(() => memory.close());

  it('a malformed file: TmxParseError with file, line and column; earlier units kept', async () => {
    const error = await memory.importTmx(fixture('malformed.tmx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmxParseError);
    expect(error).toBeInstanceOf(RoundtableError);
    const parse = error as TmxParseError;
    expect(parse.code).toBe('ERR_TMX_PARSE');
    expect(parse).toMatchObject({ file: 'malformed.tmx', line: 11 });
    // The stray </tuv> starts at column 60 of line 11; the parser stops just past it.
    expect(parse.column).toBeGreaterThanOrEqual(60);
    expect(parse.column).toBeLessThanOrEqual(67);
    expect(parse.message).toMatch(/malformed\.tmx at line 11, column \d+: .*close tag/);
    expect(parse.imported).toBe(1);
    expect([...memory.segments()].map((s) => s.tuid)).toEqual(['fine']);
  });

  it('XML that is not TMX: TmxFormatError naming the root', async () => {
    const error = await memory.importTmx(fixture('not-tmx.xml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmxFormatError);
    expect((error as TmxFormatError).code).toBe('ERR_TMX_FORMAT');
    expect((error as Error).message).toMatch(/not-tmx\.xml is not a TMX file: .*root is <html>/);
    expect((error as TmxFormatError).line).toBe(2);
  });

  it('text or binary that is not XML, and an empty file: TmxFormatError', async () => {
    const text = await memory
      .importTmx(Readable.from([Buffer.from('source\ttarget\nhello\tbonjour\n')]), {
        name: 'pairs.tsv',
      })
      .catch((e: unknown) => e);
    expect(text).toBeInstanceOf(TmxFormatError);
    expect((text as Error).message).toMatch(/pairs\.tsv is not a TMX file.*not XML/);

    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00]);
    const png = await memory.importTmx(Readable.from([binary])).catch((e: unknown) => e);
    expect(png).toBeInstanceOf(TmxFormatError);

    const empty = await memory.importTmx(Readable.from([Buffer.alloc(0)])).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(TmxFormatError);
    expect((empty as Error).message).toMatch(/no element/);
  });

  it('invalid UTF-8 inside a TMX document: TmxParseError at the bad bytes', async () => {
    const head = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n' +
        '<tu><tuv xml:lang="en"><seg>ok</seg></tuv><tuv xml:lang="fr"><seg>',
    );
    const bytes = Buffer.concat([head, Buffer.alloc(600, 0x61), Buffer.from([0xc3, 0x28])]);
    const error = await memory.importTmx(Readable.from([bytes])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmxParseError);
    expect((error as Error).message).toMatch(/not valid utf-8/);
    expect((error as TmxParseError).line).toBe(3);
    expect((error as TmxParseError).column).toBeGreaterThan(600);
  });

  it('an undefined entity is a parse error, a missing file an ArgumentError naming the input', async () => {
    const xml =
      '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>a&nbsp;b</seg>' +
      '</tuv></tu></body></tmx>';
    const entity = await memory
      .importTmx(Readable.from([Buffer.from(xml)]))
      .catch((e: unknown) => e);
    expect(entity).toBeInstanceOf(TmxParseError);
    expect((entity as TmxParseError).line).toBe(1);

    const missing = await memory.importTmx(fixture('no-such-file.tmx')).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      name: 'ArgumentError',
      code: 'ERR_ARGUMENT',
      argument: 'input',
    });
    expect((missing as Error).message).toMatch(/no-such-file\.tmx.* cannot be read: ENOENT/);
  });
});
