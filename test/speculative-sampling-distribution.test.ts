import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecoderActor } from '../src/engines/decoder/decoder-actor.js';
import { writeDraftTargetPair } from '../src/models/decoders/index.js';
import { speculate } from '../src/plan-runner/speculative.js';
import {
  type AcceptanceRule,
  draw,
  probabilities,
} from '../src/plan-runner/speculative-acceptance.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { startRuntime } from './support/runtime.js';

const VOCAB = 6;
const TEMPERATURE = 1.5;
/** Generations per rule; at 300 the wrong rule already scored 30 times the critical value. */
const SAMPLES = 600;
const IN_FLIGHT = 16;
const prompt = [1, 4, 5];

/** The target's exact distribution over its first two tokens, by enumerating the first. */
async function exactPairs(target: DecoderActor): Promise<Float64Array> {
  const first = await target.open(prompt);
  await target.closeSequence(first.sequence);
  const p1 = probabilities(first.logprobs!, TEMPERATURE);
  const joint = new Float64Array(VOCAB * VOCAB);
  for (let a = 0; a < VOCAB; a++) {
    const second = await target.open([...prompt, a]);
    await target.closeSequence(second.sequence);
    const p2 = probabilities(second.logprobs!, TEMPERATURE);
    for (let b = 0; b < VOCAB; b++) joint[a * VOCAB + b] = p1[a]! * p2[b]!;
  }
  return joint;
}

/**
 * Pearson's chi-square of observed pair counts against the exact distribution, cells expected
 * fewer than 5 times pooled into one; and the value it exceeds with probability 1e-4 when the
 * counts do come from that distribution (Wilson–Hilferty).
 */
function chiSquare(counts: Uint32Array, exact: Float64Array, n: number) {
  let statistic = 0;
  let cells = 0;
  let pooledObserved = 0;
  let pooledExpected = 0;
  exact.forEach((p, cell) => {
    const expected = p * n;
    if (expected < 5) {
      pooledObserved += counts[cell]!;
      pooledExpected += expected;
      return;
    }
    statistic += (counts[cell]! - expected) ** 2 / expected;
    cells++;
  });
  if (pooledExpected > 0) {
    statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
    cells++;
  }
  const df = cells - 1;
  const z = 3.719; // one-sided normal quantile of 1 − 1e-4
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { statistic, critical, df };
}

/** A wrong rule on purpose: keeps every proposal, so tokens follow the draft, not the target. */
function acceptEverything(random: () => number): AcceptanceRule {
  return (proposals, _draft, target) => ({
    accepted: proposals.length,
    token: draw(probabilities(target[proposals.length]!, TEMPERATURE), random)!,
  });
}

// Sampling with the standard acceptance rule (accept with min(1, p/q), else resample from the
// normalised max(0, p − q), after k kept draw from p) gives the target's distribution: a
// chi-square test over the first two tokens, against the exact distribution computed by
// enumeration, at a false-alarm rate of 1e-4 with a fixed seed. The same test fails for a rule
// that accepts everything, so it can tell the two apart.
describe('speculative decoding, sampling', () => {
  let dir: string;
  let pair: { draft: string; target: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-speculative-sampling-'));
    pair = await writeDraftTargetPair(dir, {
      seed: 8,
      vocab: VOCAB,
      agreement: 0.3,
      margin: 2,
      extraWidth: 16,
      form: 'merged',
    });
  });
  afterAll(() => rm(dir, { recursive: true }));

  async function pairCounts(
    draft: DecoderActor,
    target: DecoderActor,
    k: number,
    wrong: boolean,
  ): Promise<Uint32Array> {
    const counts = new Uint32Array(VOCAB * VOCAB);
    const sample = async (i: number) => {
      const seed = Math.imul(i + 1, 0x9e3779b1) >>> 0;
      const got = await speculate(
        draft,
        target,
        prompt,
        {
          maxLength: prompt.length + 3,
          eos: [],
          k,
          adaptive: false,
          sampling: { temperature: TEMPERATURE, seed },
        },
        wrong ? acceptEverything(seededRandom(seed ^ 0x5bd1e995)) : undefined,
      );
      counts[got.ids[prompt.length]! * VOCAB + got.ids[prompt.length + 1]!]!++;
    };
    // Several generations in flight keep the workers busy; each has its own seed, so the counts
    // do not depend on the order they finish in.
    for (let i = 0; i < SAMPLES; i += IN_FLIGHT) {
      await Promise.all(
        Array.from({ length: Math.min(IN_FLIGHT, SAMPLES - i) }, (_, j) => sample(i + j)),
      );
    }
    return counts;
  }

  // Bounded for hangs, not for speed: 1800 generations on a busy machine.
  const bound = { timeout: 300_000 };

  it(
    'keeps the target’s distribution over the first two tokens; accepting everything does not',
    bound,
    async () => {
      const runtime = await startRuntime();
      const draft = await runtime.spawnDecoder('draft', { folder: pair.draft });
      const target = await runtime.spawnDecoder('target', { folder: pair.target });
      const exact = await exactPairs(target);
      for (const k of [1, 2]) {
        const right = chiSquare(await pairCounts(draft, target, k, false), exact, SAMPLES);
        expect(right.df).toBeGreaterThanOrEqual(8);
        expect(right.statistic).toBeLessThan(right.critical);
      }
      const wrong = chiSquare(await pairCounts(draft, target, 2, true), exact, SAMPLES);
      expect(wrong.statistic).toBeGreaterThan(wrong.critical);
    },
  );
});
