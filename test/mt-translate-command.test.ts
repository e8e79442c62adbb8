import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateLines } from '../src/cli/commands/translate.js';
import { corpusChrf } from '../src/mt/metrics/index.js';
import { writeSyntheticPair } from '../src/mt/synthetic/write-synthetic-pair.js';
import { TranslationMemory } from '../src/mt/tm/index.js';
import type { TranslationMethod } from '../src/mt/translate/translator-types.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-translate-'));
  await writeSyntheticPair(dir, { seed: 2, dev: 60, train: 400, test: 12 });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `roundtable translate` on some lines; returns stdout lines and stderr text. */
async function translate(
  lines: string[],
  options: {
    plan?: string;
    from?: string;
    to?: string;
    tm?: string;
    json?: boolean;
    method?: TranslationMethod;
    store?: boolean;
  } = {},
): Promise<{ out: string[]; err: string }> {
  let err = '';
  const command = new Command().configureOutput({ writeErr: (text) => (err += text) });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exitCode = process.exitCode;
  try {
    await translateLines(
      {
        plan: options.plan ?? join(dir, 'routes.json'),
        from: options.from ?? 'qsx',
        to: options.to ?? 'qtx',
        store: options.store ?? false,
        json: options.json ?? false,
        concurrency: 3,
        ...(options.tm !== undefined ? { tm: options.tm } : {}),
        ...(options.method !== undefined ? { method: options.method } : {}),
      },
      command,
      { input: Readable.from(lines.map((l) => `${l}\n`)), output },
    );
  } finally {
    process.exitCode = exitCode;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { out: text.split('\n').slice(0, -1), err };
}

describe('roundtable translate: lines in, lines out, routed by language pair', () => {
  it('translates every line in order through the plan the routes file names, keeping empty lines', async () => {
    const sources = (await readFile(join(dir, 'test.qsx'), 'utf8')).trim().split('\n');
    const references = (await readFile(join(dir, 'test.qtx'), 'utf8')).trim().split('\n');
    const lines = [...sources.slice(0, 5), '', ...sources.slice(5)];
    const { out, err } = await translate(lines);
    expect(out).toHaveLength(lines.length);
    expect(out[5]).toBe('');
    const hyps = [...out.slice(0, 5), ...out.slice(6)];
    expect(corpusChrf(hyps, [references]).score).toBeGreaterThan(75);
    expect(err).toMatch(/13 lines, 0 exact and 0 fuzzy memory matches, 0 stored, 0 failed/);
  });

  it('picks the route by canonical language tags and names the routes it has when none fits', async () => {
    const sources = (await readFile(join(dir, 'test.qsx'), 'utf8')).trim().split('\n').slice(0, 2);
    const { out } = await translate(sources, { from: 'QSX', to: 'Qtx' });
    expect(out).toHaveLength(2);
    await expect(translate(sources, { from: 'qtx', to: 'qsx' })).rejects.toThrow(
      /has no route for qtx→qsx; it routes qsx→qtx/,
    );
    await expect(
      translate(sources, { plan: join(dir, 'qsx-qtx.translation.json'), from: 'qsx', to: 'en' }),
    ).rejects.toThrow(/translates qsx→qtx, not qsx→en/);
  });

  it('answers from a memory imported from TMX, and stores what QE accepts with --store', async () => {
    const db = join(dir, 'memory.db');
    const memory = TranslationMemory.open(db);
    await memory.importTmx(join(dir, 'train.tmx'));
    const [first] = memory.segments();
    memory.close();
    const novel = (await readFile(join(dir, 'test.qsx'), 'utf8')).trim().split('\n')[0]!;
    const { out, err } = await translate([first!.source, novel], {
      tm: db,
      json: true,
      store: true,
      method: 'rerank',
    });
    const [exact, fresh] = out.map((line) => JSON.parse(line));
    expect(exact).toMatchObject({
      source: first!.source,
      target: first!.target,
      origin: 'tm',
      match: { kind: 'exact' },
    });
    expect(fresh).toMatchObject({ source: novel, method: 'rerank', origin: 'models' });
    expect(typeof fresh.qe).toBe('number');
    expect(err).toMatch(/1 exact and \d+ fuzzy memory matches, (0|1) stored, 0 failed/);
    if (fresh.stored) {
      const again = await translate([novel], { tm: db, json: true });
      expect(JSON.parse(again.out[0]!)).toMatchObject({ origin: 'tm', target: fresh.target });
    }
    // Imports a TMX and translates with QE, slow on a loaded machine: bounded for hangs only.
  }, 120_000);

  it('rejects a plan file that is not valid, naming the field', async () => {
    const bad = join(dir, 'bad.translation.json');
    const plan = JSON.parse(await readFile(join(dir, 'qsx-qtx.translation.json'), 'utf8'));
    await writeFile(bad, JSON.stringify({ ...plan, method: 'vote', beamWidth: 0 }));
    await expect(translate(['x'], { plan: bad })).rejects.toThrow(
      /beamWidth: .*\n\s*method: expected one of single, ensemble/,
    );
  });
});
