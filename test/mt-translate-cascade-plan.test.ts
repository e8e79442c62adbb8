import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateLines } from '../src/cli/commands/translate.js';
import { PlanError } from '../src/errors.js';
import { ESCALATE_ALL, STOP_ALL, saveCascadeThresholds } from '../src/learn/index.js';
import { writeSyntheticPair } from '../src/mt/synthetic/write-synthetic-pair.js';
import type { TranslationPlan } from '../src/mt/translate/translation-plan.js';
import type { TranslationMethod } from '../src/mt/translate/translator-types.js';

let dir: string;
let base: TranslationPlan;
let sources: string[];
/** The weakest engine first, the best last: whatever their cost, the decisions are visible. */
let weakest: string;
let best: string;
let engines: string[];

/** What a thresholds file records of its fit; these tests read only its thresholds. */
const fitted = {
  metric: 'chrf' as const,
  target: 90,
  quality: 91,
  cost: 2,
  reached: [8, 8],
  segments: 8,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-translate-cascade-'));
  await writeSyntheticPair(dir, { seed: 2, dev: 60, train: 400, test: 8 });
  base = JSON.parse(await readFile(join(dir, 'qsx-qtx.translation.json'), 'utf8'));
  sources = (await readFile(join(dir, 'test.qsx'), 'utf8')).trim().split('\n');
  [best, , , weakest] = base.engines.map((e) => e.name) as [string, string, string, string];
  engines = [weakest, best];
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a plan beside the pair's (its paths stay valid) with these changes. */
async function planWith(file: string, changes: Record<string, unknown>): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, JSON.stringify({ ...base, ...changes }));
  return path;
}

/** Writes a cascade plan over `engines` without the pair's QE model (for scorers that need none). */
async function cascadeWithoutQe(file: string, cascade: Record<string, unknown>): Promise<string> {
  const { qe: _qe, ...withoutQe } = base;
  const path = join(dir, file);
  await writeFile(
    path,
    JSON.stringify({ ...withoutQe, method: 'cascade', cascade: { engines, ...cascade } }),
  );
  return path;
}

async function translate(
  plan: string,
  lines: readonly string[],
  options: { method?: TranslationMethod; thresholds?: string } = {},
): Promise<Record<string, unknown>[]> {
  const command = new Command().configureOutput({ writeErr: () => {} });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await translateLines(
    {
      plan,
      from: 'qsx',
      to: 'qtx',
      store: false,
      json: true,
      concurrency: 3,
      ...(options.method ? { method: options.method } : {}),
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
    },
    command,
    { input: Readable.from(lines.map((l) => `${l}\n`)), output },
  );
  return Buffer.concat(chunks)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const targets = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.target);
const reached = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => (r.cascade as { engine: string }[]).map((s) => s.engine));

describe('a translation plan that declares a cascade', () => {
  it('runs its engines cheapest first and stops or escalates each segment at its thresholds', async () => {
    const stopAll = await planWith('stop.json', {
      method: 'cascade',
      cascade: { engines, thresholds: [STOP_ALL] },
    });
    const escalateAll = await planWith('escalate.json', {
      method: 'cascade',
      cascade: { engines, thresholds: [ESCALATE_ALL] },
    });
    const weakIndex = base.engines.findIndex((e) => e.name === weakest);
    const alone = {
      weakest: targets(await translate(stopAll, sources, { method: `engine:${weakIndex}` })),
      best: targets(await translate(stopAll, sources, { method: 'engine:0' })),
    };
    expect(alone.weakest).not.toEqual(alone.best);

    const stopped = await translate(stopAll, sources);
    expect(targets(stopped)).toEqual(alone.weakest);
    expect(reached(stopped)).toEqual(sources.map(() => [weakest]));
    expect(stopped.every((r) => r.method === 'cascade')).toBe(true);

    const escalated = await translate(escalateAll, sources);
    expect(targets(escalated)).toEqual(alone.best);
    expect(reached(escalated)).toEqual(sources.map(() => [weakest, best]));
  }, 120_000);

  it('reads its thresholds from a file of `learn --cascade`, and `--thresholds` replaces them', async () => {
    await saveCascadeThresholds(join(dir, 'escalate.thresholds.json'), {
      models: engines,
      scorer: 'min-token-logprob',
      thresholds: [ESCALATE_ALL],
      fitted,
    });
    // A scorer that needs no QE model: the engine's own least sure token.
    const path = await cascadeWithoutQe('from-file.json', {
      scorer: 'min-token-logprob',
      thresholdsFile: 'escalate.thresholds.json',
    });
    const fromFile = await translate(path, sources.slice(0, 3));
    expect(reached(fromFile)).toEqual([0, 1, 2].map(() => [weakest, best]));

    await saveCascadeThresholds(join(dir, 'stop.thresholds.json'), {
      models: engines,
      scorer: 'min-token-logprob',
      thresholds: [STOP_ALL],
      fitted,
    });
    const overridden = await translate(path, sources.slice(0, 3), {
      thresholds: join(dir, 'stop.thresholds.json'),
    });
    expect(reached(overridden)).toEqual([0, 1, 2].map(() => [weakest]));
    // Every step but the last carries the scorer's score: here the engine's least sure token.
    for (const row of overridden) {
      const [step] = row.cascade as { score: number; decision: string }[];
      expect(step!.decision).toBe('stop');
      expect(step!.score).toBeLessThanOrEqual(0);
    }
  }, 120_000);

  it('refuses a cascade it cannot run, naming the field', async () => {
    const unknown = await planWith('unknown.json', {
      method: 'cascade',
      cascade: { engines: [weakest, 'engine-z'], thresholds: [0] },
    });
    await expect(translate(unknown, sources.slice(0, 1))).rejects.toThrow(
      /cascade\.engines\[1\] is "engine-z", not one of the plan's engines/,
    );
    const missing = await planWith('missing.json', { method: 'cascade' });
    await expect(translate(missing, sources.slice(0, 1))).rejects.toThrow(PlanError);
    await expect(translate(missing, sources.slice(0, 1))).rejects.toThrow(
      /method "cascade" needs a "cascade" entry/,
    );
    const both = await planWith('both.json', {
      method: 'cascade',
      cascade: { engines: [weakest, best], thresholds: [0], thresholdsFile: 'x.json' },
    });
    await expect(translate(both, sources.slice(0, 1))).rejects.toThrow(
      /give either "thresholds".*or "thresholdsFile"/,
    );
    const noQe = await cascadeWithoutQe('no-qe.json', { thresholds: [0] });
    await expect(translate(noQe, sources.slice(0, 1))).rejects.toThrow(
      /cascade\.scorer reads QE, and the plan has no "qe" model/,
    );
    await saveCascadeThresholds(join(dir, 'other.thresholds.json'), {
      models: [best, weakest],
      scorer: 'qe',
      thresholds: [0],
      fitted: { metric: 'chrf', target: 1, quality: 1, cost: 1, reached: [1, 1], segments: 1 },
    });
    const wrongFile = await planWith('wrong-file.json', {
      method: 'cascade',
      cascade: { engines: [weakest, best], thresholdsFile: 'other.thresholds.json' },
    });
    await expect(translate(wrongFile, sources.slice(0, 1))).rejects.toThrow(
      /the cascade's engines are .*; the thresholds in .* were learnt for/,
    );
  }, 120_000);

  it("takes its thresholds file's scorer when it names none, and refuses a file learnt for another scorer, naming both", async () => {
    const save = (file: string, scorer: Parameters<typeof saveCascadeThresholds>[1]['scorer']) =>
      saveCascadeThresholds(join(dir, file), {
        models: engines,
        scorer,
        thresholds: [STOP_ALL],
        fitted,
      });
    // No QE model and no scorer in the plan: the file's scorer, which needs no QE, decides.
    const scores = (rows: readonly Record<string, unknown>[]) =>
      rows.map((r) => (r.cascade as { score: number }[])[0]!.score);
    await save('own-token.thresholds.json', 'min-token-logprob');
    const named = await translate(
      await cascadeWithoutQe('named.json', {
        scorer: 'min-token-logprob',
        thresholdsFile: 'own-token.thresholds.json',
      }),
      sources.slice(0, 3),
    );
    await save('linear.thresholds.json', { linear: { 'min-token-logprob': 1 }, bias: 1000 });
    const fromFile = await translate(
      await cascadeWithoutQe('scorer-from-file.json', { thresholdsFile: 'linear.thresholds.json' }),
      sources.slice(0, 3),
    );
    // The same decodes scored by the file's combination: the own scorer's score plus its bias.
    expect(scores(fromFile)).toEqual(scores(named).map((s) => s + 1000));

    await save('mean.thresholds.json', 'mean-logprob');
    const mismatch = await cascadeWithoutQe('mismatch.json', {
      scorer: 'min-token-logprob',
      thresholdsFile: 'mean.thresholds.json',
    });
    await expect(translate(mismatch, sources.slice(0, 1))).rejects.toThrow(PlanError);
    await expect(translate(mismatch, sources.slice(0, 1))).rejects.toThrow(
      /the cascade's scorer is min-token-logprob; the thresholds in .*mean\.thresholds\.json were learnt for the scorer mean-logprob/,
    );
    await save('qe.thresholds.json', 'qe');
    await expect(
      translate(
        await cascadeWithoutQe('needs-qe.json', { thresholdsFile: 'qe.thresholds.json' }),
        sources.slice(0, 1),
      ),
    ).rejects.toThrow(
      /the cascade's scorer qe \(from .*qe\.thresholds\.json\) reads QE, and the plan has no "qe" model/,
    );
    await save('runtime.thresholds.json', { type: 'max-probability' });
    await expect(
      translate(
        await cascadeWithoutQe('runtime-scorer.json', {
          thresholdsFile: 'runtime.thresholds.json',
        }),
        sources.slice(0, 1),
      ),
    ).rejects.toThrow(
      /learnt for the scorer \{"type":"max-probability","kind":"logits"\}, which is not a translation cascade's/,
    );
  }, 120_000);

  it("decides on QE's margin over the runner-up and on the token gap, both from its QE batch", async () => {
    for (const scorer of ['qe-margin', 'qe-token-gap']) {
      const plan = await planWith(`${scorer}.json`, {
        method: 'cascade',
        cascade: { engines: [weakest, best], scorer, thresholds: [STOP_ALL] },
      });
      const rows = await translate(plan, sources.slice(0, 3));
      // A score that is not finite would escalate: each stops, so the scorer got its signal.
      expect(reached(rows)).toEqual([0, 1, 2].map(() => [weakest]));
      for (const row of rows) {
        const [step] = row.cascade as { score: number; decision: string }[];
        expect(step!.decision).toBe('stop');
        expect(Number.isFinite(step!.score)).toBe(true);
        expect(Number.isFinite(row.qe)).toBe(true);
        if (scorer === 'qe-token-gap') expect(step!.score).toBeLessThanOrEqual(0);
      }
    }
  }, 120_000);
});
