import type {
  CascadePlan,
  DecodePlan,
  Fusion,
  FusionInputKind,
  FusionStrategy,
  Round,
  RoundsPlan,
  Step,
  TensorName,
} from './plan.js';

export interface FusionChoice {
  readonly strategy: FusionStrategy;
  readonly kind?: FusionInputKind;
  readonly weights?: readonly number[];
  readonly temperatures?: readonly number[];
  readonly scorer?: Fusion['scorer'];
}

/**
 * Ensemble: K models on the same input, fused.
 *
 * @example ensemble({ name: 'vote', models: ['a', 'b', 'c'], input: 'features', output: 'logits',
 *   fusion: { strategy: 'mean', kind: 'logits' } })
 */
export function ensemble(options: {
  readonly name: string;
  readonly models: readonly string[];
  /** Actor input name; the plan feed has the same name. */
  readonly input: string;
  /** Actor output name fused across models. */
  readonly output: string;
  readonly fusion: FusionChoice;
  readonly deadlineMs?: number;
  readonly quorum?: number;
}): RoundsPlan {
  const outputs = options.models.map((model) => `${model}.${options.output}`);
  const steps: Step[] = options.models.map((model, k) => ({
    actor: model,
    inputs: { [options.input]: options.input },
    outputs: { [options.output]: outputs[k]! },
  }));
  const round: Round = {
    name: 'ensemble',
    steps,
    fusion: { ...options.fusion, inputs: outputs, output: 'fused' },
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.quorum !== undefined ? { quorum: options.quorum } : {}),
  };
  return {
    kind: 'rounds',
    name: options.name,
    inputs: [options.input],
    outputs: ['fused'],
    rounds: [round],
  };
}

/**
 * Refinement cascade: round i runs model i on the source and the previous round's output,
 * S(i+1) = M_i(source, S_i), stopping as soon as a round's confidence reaches the threshold.
 * The feed `previous` is S_0 (a first draft, or the source itself).
 */
export function refine(options: {
  readonly name: string;
  readonly models: readonly string[];
  /** Actor input names. Defaults: 'source', 'previous'. */
  readonly sourceInput?: string;
  readonly previousInput?: string;
  /** Actor output names. Defaults: 'refined', 'confidence'. */
  readonly output?: string;
  readonly confidence?: string;
  /** Stop when every row's confidence is at least this. Omit to run every round. */
  readonly threshold?: number;
}): RoundsPlan {
  const sourceInput = options.sourceInput ?? 'source';
  const previousInput = options.previousInput ?? 'previous';
  const output = options.output ?? 'refined';
  const confidence = options.confidence ?? 'confidence';
  const rounds: Round[] = options.models.map((model, i) => ({
    name: `refine ${i + 1}`,
    steps: [
      {
        actor: model,
        // Round 0 reads the caller's draft; later rounds read what the round before wrote.
        inputs: { [sourceInput]: 'source', [previousInput]: i === 0 ? 'previous' : 'refined' },
        outputs: { [output]: 'refined', [confidence]: 'confidence' },
      },
    ],
    ...(options.threshold !== undefined
      ? { stop: { tensor: 'confidence', atLeast: options.threshold } }
      : {}),
  }));
  return {
    kind: 'rounds',
    name: options.name,
    inputs: ['source', 'previous'],
    outputs: ['refined', 'confidence'],
    rounds,
  };
}

/**
 * Layers (mixture of agents): round l runs k proposers, each seeing the source and every output of
 * round l−1 (round 0 sees the source and the caller's draft as every "previous"); a final
 * aggregator sees the source and every output of the last layer.
 *
 * Each proposer and the aggregator take the source on `sourceInput` and the k previous outputs on
 * `previousInputs[0..k-1]`.
 */
export function layers(options: {
  readonly name: string;
  /** layers[l] = the proposers of round l; every layer has the same k. */
  readonly layers: readonly (readonly string[])[];
  readonly aggregator: string;
  readonly sourceInput?: string;
  readonly previousInputs: readonly string[];
  readonly output?: string;
}): RoundsPlan {
  const sourceInput = options.sourceInput ?? 'source';
  const output = options.output ?? 'refined';
  const k = options.previousInputs.length;
  const previousOf = (l: number, j: number): TensorName =>
    l === 0 ? 'previous' : `layer${l - 1}.${j}`;
  const feedsFor = (l: number): Record<string, TensorName> => {
    const inputs: Record<string, TensorName> = { [sourceInput]: 'source' };
    options.previousInputs.forEach((name, j) => {
      inputs[name] = previousOf(l, j);
    });
    return inputs;
  };
  const rounds: Round[] = options.layers.map((proposers, l) => {
    if (proposers.length !== k) {
      throw new RangeError(
        `plan "${options.name}": layer ${l} has ${proposers.length} proposers, expected ${k} (one per previous input)`,
      );
    }
    return {
      name: `layer ${l + 1}`,
      steps: proposers.map((actor, j) => ({
        actor,
        inputs: feedsFor(l),
        outputs: { [output]: `layer${l}.${j}` },
      })),
    };
  });
  rounds.push({
    name: 'aggregate',
    steps: [
      {
        actor: options.aggregator,
        inputs: feedsFor(options.layers.length),
        outputs: { [output]: 'aggregated' },
      },
    ],
  });
  return {
    kind: 'rounds',
    name: options.name,
    inputs: ['source', 'previous'],
    outputs: ['aggregated'],
    rounds,
  };
}

/** Step-synchronous ensemble decoding: one round per output token, the K models' scores fused each step. */
export function decode(options: Omit<DecodePlan, 'kind'>): DecodePlan {
  return { kind: 'decode', ...options };
}

/**
 * Cascade: the models cheapest first, each row escalating to the next model while its score is
 * below the stage's threshold (`thresholds[i]` for stage i; the last stage has none).
 *
 * @example cascade({ name: 'cheap-first', models: ['small', 'large'], thresholds: [0.9],
 *   input: 'features', output: 'logits', scorer: { type: 'max-probability' } })
 */
export function cascade(options: {
  readonly name: string;
  readonly models: readonly string[];
  /** One fewer than the models. */
  readonly thresholds: readonly number[];
  /** Actor input name; the plan feed has the same name. */
  readonly input: string;
  /** Actor output name; the plan's output has the same name. */
  readonly output: string;
  readonly scorer: CascadePlan['scorer'];
  /** Declared relative cost of each model, cheapest first. */
  readonly costs?: readonly number[];
}): CascadePlan {
  if (options.thresholds.length !== options.models.length - 1)
    throw new RangeError(
      `plan "${options.name}": ${options.thresholds.length} thresholds for ${options.models.length} models, expected ${options.models.length - 1} (none for the last)`,
    );
  if (options.costs && options.costs.length !== options.models.length)
    throw new RangeError(
      `plan "${options.name}": ${options.costs.length} costs for ${options.models.length} models`,
    );
  return {
    kind: 'cascade',
    name: options.name,
    input: options.input,
    output: options.output,
    stages: options.models.map((actor, i) => ({
      actor,
      output: options.output,
      ...(i < options.thresholds.length ? { threshold: options.thresholds[i]! } : {}),
      ...(options.costs ? { cost: options.costs[i]! } : {}),
    })),
    scorer: options.scorer,
  };
}
