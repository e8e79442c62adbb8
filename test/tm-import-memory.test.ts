import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TranslationMemory } from '../src/mt/tm/index.js';
import { syntheticCorpus, writeSyntheticTmx } from './fixtures/tmx/synthetic-corpus.js';

const UNITS = 50_000;

// A collectable heap makes "live memory" measurable: heapUsed right after a full GC.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const liveHeap = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('a large TMX file imports in bounded memory', () => {
  let dir: string;
  let file: string;
  const corpus = syntheticCorpus(5);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tm-large-'));
    file = join(dir, 'large.tmx');
    await writeSyntheticTmx(file, corpus, UNITS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`streams ${UNITS} units: live heap stays far below the file size`, async () => {
    const fileBytes = statSync(file).size;
    expect(fileBytes).toBeGreaterThan(15 * 2 ** 20);
    const memory = TranslationMemory.open(join(dir, 'large.db'));
    try {
      const baseline = liveHeap();
      let peak = 0;
      let calls = 0;
      const summary = await memory.importTmx(file, {
        onProgress: () => {
          if (++calls % 8 === 0) peak = Math.max(peak, liveHeap() - baseline);
        },
      });
      expect(summary).toMatchObject({ units: UNITS, imported: UNITS, skipped: 0 });
      expect(calls).toBeGreaterThan(40);
      // Holding the file (17 MB of UTF-8, twice that as a JS string) or its units would exceed
      // this many times over; the streaming import needs a chunk, a unit and a batch.
      expect(peak).toBeLessThan(12 * 2 ** 20);
      expect(peak).toBeLessThan(fileBytes / 2);

      // And the memory it built answers from its index.
      const query = corpus.perturb(corpus.sentence(12_345), 1, () => 0.5);
      const trace = memory.explain(query, { from: 'en', to: 'fr' });
      expect(trace.strategy).toBe('index');
      expect(trace.matches.some((m) => m.tuid === 'u12345')).toBe(true);
      expect(trace.candidates).toBeLessThan(UNITS / 50);
    } finally {
      memory.close();
    }
  });
});
