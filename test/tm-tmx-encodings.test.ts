import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranslationMemory } from '../src/mt/tm/index.js';

const original = readFileSync(
  fileURLToPath(new URL('./fixtures/tmx/multilingual.tmx', import.meta.url)),
  'utf8',
);

/** A stream of the bytes in chunks of `size`, so multi-byte characters straddle chunk edges. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

describe('TMX import reads any byte form of the same document into the same segments', () => {
  let reference: TranslationMemory;
  let memory: TranslationMemory;
  const rows = (m: TranslationMemory) =>
    [...m.segments()].map((s) => [
      s.from,
      s.to,
      s.source,
      s.target,
      s.sourceMarkup,
      s.targetMarkup,
    ]);

  beforeEach(async () => {
    reference = TranslationMemory.open(':memory:');
    await reference.importTmx(Readable.from([Buffer.from(original, 'utf8')]));
    memory = TranslationMemory.open(':memory:');
  });
  afterEach(() => {
    reference.close();
    memory.close();
  });

  it('UTF-8 with a byte-order mark and CRLF line ends, in 7-byte chunks', async () => {
    const crlf = original.replace(/\n/g, '\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf, 'utf8')]);
    const summary = await memory.importTmx(chunked(bytes, 7), { totalBytes: bytes.length });
    expect(summary.imported).toBe(10);
    expect(rows(memory)).toEqual(rows(reference));
    // Line numbers still count lines, whatever ends them.
    expect(summary.issues[0]!.line).toBe(65);
  });

  it('UTF-16 little- and big-endian with a byte-order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]);
    await memory.importTmx(chunked(le, 1001));
    expect(rows(memory)).toEqual(rows(reference));

    const be = Buffer.from(le);
    be.swap16();
    const other = TranslationMemory.open(':memory:');
    try {
      await other.importTmx(chunked(be, 333));
      expect(rows(other)).toEqual(rows(reference));
    } finally {
      other.close();
    }
  });

  it('a legacy encoding named in the XML declaration', async () => {
    const latin = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<tmx version="1.4"><header srclang="fr"/><body>' +
        '<tu><tuv xml:lang="fr"><seg>Déjà vu, ça !</seg></tuv><tuv xml:lang="de"><seg>Schön öde</seg></tuv></tu>' +
        '</body></tmx>\n',
      'latin1',
    );
    await memory.importTmx(Readable.from([latin]));
    expect([...memory.segments()].map((s) => [s.source, s.target])).toEqual([
      ['Déjà vu, ça !', 'Schön öde'],
    ]);
  });

  it('reports progress in bytes up to the total', async () => {
    const bytes = Buffer.from(original, 'utf8');
    const seen: number[] = [];
    await memory.importTmx(chunked(bytes, 512), {
      totalBytes: bytes.length,
      onProgress: (p) => {
        expect(p.totalBytes).toBe(bytes.length);
        seen.push(p.bytesRead);
      },
    });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((value, i) => i === 0 || value >= seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(bytes.length);
  });
});
