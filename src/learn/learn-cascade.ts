import { cascadeDecision } from '../plan-runner/cascade-decision.js';

/**
 * Fitting a cascade's thresholds on a labelled set: each segment was run on every stage once, so
 * any setting of the thresholds can be replayed without running a model again. Quality is
 * corpus-level (chrF is not a mean of sentence scores): each stage's answer to a segment brings
 * additive statistics (chrF's n-gram counts, or a quality and a 1 for a mean), and the quality
 * of a setting is computed once from the sums over the answers it picks.
 */
export interface CascadeExample {
  /** One per stage, cheapest first: the score the cascade decides on, the cost, the statistics. */
  readonly stages: readonly {
    readonly score: number;
    readonly cost: number;
    readonly stats: readonly number[];
  }[];
}

export interface CascadeSetting {
  /** One per stage but the last: a segment stops at the first stage whose score reaches it. */
  readonly thresholds: readonly number[];
  readonly quality: number;
  /** Mean cost per segment: every stage a segment reached counts. */
  readonly cost: number;
  /** Segments that reached each stage. */
  readonly reached: readonly number[];
}

/** Thresholds that stop every scored segment, or send every segment on (finite, for plan files). */
export const STOP_ALL = -Number.MAX_VALUE;
export const ESCALATE_ALL = Number.MAX_VALUE;

/** What the cascade would answer and cost on the set with these thresholds. */
export function replayCascade(
  examples: readonly CascadeExample[],
  thresholds: readonly number[],
  quality: (sums: readonly number[]) => number,
): CascadeSetting {
  const stages = checkExamples(examples);
  if (thresholds.length !== stages - 1)
    throw new RangeError(
      `cascade: ${thresholds.length} thresholds for ${stages} stages, expected ${stages - 1}`,
    );
  const sums = new Array<number>(examples[0]!.stages[0]!.stats.length).fill(0);
  const reached = new Array<number>(stages).fill(0);
  let cost = 0;
  for (const example of examples) {
    for (let s = 0; s < stages; s++) {
      const stage = example.stages[s]!;
      reached[s]!++;
      cost += stage.cost;
      if (cascadeDecision(stage.score, thresholds[s]) !== 'escalate') {
        stage.stats.forEach((v, k) => {
          sums[k]! += v;
        });
        break;
      }
    }
  }
  return { thresholds, quality: quality(sums), cost: cost / examples.length, reached };
}

/**
 * Every setting worth having, cheapest first, each better than all cheaper ones (the Pareto front
 * of cost and quality). A two-stage cascade tries every threshold that changes a decision (each
 * distinct score); a longer one, `grid` quantiles of each stage's scores.
 */
export function cascadeCurve(
  examples: readonly CascadeExample[],
  quality: (sums: readonly number[]) => number,
  grid = 24,
): CascadeSetting[] {
  const stages = checkExamples(examples);
  const candidates = Array.from({ length: stages - 1 }, (_, s) =>
    candidateThresholds(
      examples.map((e) => e.stages[s]!.score),
      stages === 2 ? Number.POSITIVE_INFINITY : grid,
    ),
  );
  const settings: CascadeSetting[] = [];
  const walk = (chosen: number[]) => {
    if (chosen.length === stages - 1) {
      settings.push(replayCascade(examples, chosen, quality));
      return;
    }
    for (const t of candidates[chosen.length]!) walk([...chosen, t]);
  };
  walk([]);
  settings.sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const front: CascadeSetting[] = [];
  for (const setting of settings)
    if (front.length === 0 || setting.quality > front.at(-1)!.quality) front.push(setting);
  return front;
}

/**
 * The cheapest thresholds whose quality on the set reaches `target`.
 * @throws RangeError when no setting reaches it, naming the best quality there is.
 */
export function learnCascadeThresholds(
  examples: readonly CascadeExample[],
  options: {
    readonly target: number;
    readonly quality: (sums: readonly number[]) => number;
    readonly grid?: number;
  },
): CascadeSetting {
  if (!Number.isFinite(options.target))
    throw new RangeError(
      `cascade: the target quality must be a finite number, got ${options.target}`,
    );
  const curve = cascadeCurve(examples, options.quality, options.grid);
  const fit = curve.find((setting) => setting.quality >= options.target);
  if (!fit)
    throw new RangeError(
      `cascade: no thresholds reach the target quality ${options.target} on this set; the best setting gives ${curve.at(-1)!.quality.toFixed(3)}`,
    );
  return fit;
}

/** Thresholds that change a decision: each distinct finite score (or `count` quantiles of them), plus "send everything on". */
function candidateThresholds(scores: readonly number[], count: number): number[] {
  const finite = [...new Set(scores.filter(Number.isFinite))].sort((a, b) => a - b);
  const picked =
    finite.length <= count
      ? finite
      : Array.from({ length: count }, (_, i) => finite[Math.floor((i * finite.length) / count)]!);
  return [...picked, ESCALATE_ALL];
}

function checkExamples(examples: readonly CascadeExample[]): number {
  if (examples.length === 0) throw new RangeError('cascade: the labelled set has no segments');
  const stages = examples[0]!.stages.length;
  const width = examples[0]!.stages[0]?.stats.length ?? 0;
  if (stages < 2) throw new RangeError(`cascade: needs at least 2 stages, the set has ${stages}`);
  examples.forEach((example, i) => {
    if (example.stages.length !== stages)
      throw new RangeError(
        `cascade: segment ${i} has ${example.stages.length} stages, the first has ${stages}`,
      );
    example.stages.forEach((stage, s) => {
      if (stage.stats.length !== width)
        throw new RangeError(
          `cascade: segment ${i}, stage ${s} has ${stage.stats.length} statistics, expected ${width}`,
        );
      if (!(Number.isFinite(stage.cost) && stage.cost >= 0))
        throw new RangeError(
          `cascade: segment ${i}, stage ${s}: cost must be a finite number >= 0, got ${stage.cost}`,
        );
    });
  });
  return stages;
}
