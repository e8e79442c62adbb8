import { describe, record } from '../actor/arguments.js';
import { PlanError, RoundtableError } from '../errors.js';
import type {
  CascadePlan,
  DecodePlan,
  Fusion,
  FusionInputKind,
  FusionStrategy,
  Plan,
  Round,
  RoundsPlan,
  SpeculativePlan,
  Step,
  TensorName,
} from './plan.js';
import { parsePlan } from './schema.js';

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
  options = readOptions('ensemble', options, {
    names: ['name', 'input', 'output'],
    lists: ['models'],
    objects: ['fusion'],
  });
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
  return checked('ensemble', {
    kind: 'rounds',
    name: options.name,
    inputs: [options.input],
    outputs: ['fused'],
    rounds: [round],
  });
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
  options = readOptions('refine', options, {
    names: ['name', 'sourceInput', 'previousInput', 'output', 'confidence'],
    lists: ['models'],
  });
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
  return checked('refine', {
    kind: 'rounds',
    name: options.name,
    inputs: ['source', 'previous'],
    outputs: ['refined', 'confidence'],
    rounds,
  });
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
  options = readOptions('layers', options, {
    names: ['name', 'aggregator', 'sourceInput', 'output'],
    lists: ['layers', 'previousInputs'],
  });
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
    if (!Array.isArray(proposers) || proposers.length !== k) {
      throw new PlanError(
        `layers("${options.name}"): options.layers[${l}] has ${describe(proposers)} proposers, expected ${k} (one per previous input)`,
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
  return checked('layers', {
    kind: 'rounds',
    name: options.name,
    inputs: ['source', 'previous'],
    outputs: ['aggregated'],
    rounds,
  });
}

/** Step-synchronous ensemble decoding: one round per output token, the K models' scores fused each step. */
export function decode(options: Omit<DecodePlan, 'kind'>): DecodePlan {
  options = readOptions('decode', options, { names: ['name'] });
  return checked('decode', { kind: 'decode', ...options });
}

/**
 * The builders' options, read once into a copy before anything is built from them: an object;
 * `names` are strings, `lists` arrays of strings (`layers`: of such arrays), `objects` plain
 * objects copied too. Everything else is checked on the plan built, by the plan schema.
 */
function readOptions<O>(
  builder: string,
  options: O,
  spec: { names?: string[]; lists?: string[]; objects?: string[] },
): O {
  const where = `${builder}()`;
  const refuse = (argument: string, expected: string, value: unknown): never => {
    throw new PlanError(`${where}: ${argument} must be ${expected}, got ${describe(value)}`);
  };
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    refuse('options', 'an object', options);
  const copy = record(where, 'options', options);
  const strings = (argument: string, value: unknown): string[] => {
    if (!Array.isArray(value)) refuse(argument, 'an array of names', value);
    let list: unknown[] = [];
    try {
      list = Array.from(value as unknown[]);
    } catch (error) {
      refuse(argument, 'an array that can be read', (error as Error).message);
    }
    list.forEach((item, i) => {
      if (typeof item !== 'string') refuse(`${argument}[${i}]`, 'a name', item);
    });
    return list as string[];
  };
  for (const key of spec.names ?? [])
    if (copy[key] !== undefined && typeof copy[key] !== 'string')
      refuse(`options.${key}`, 'a name', copy[key]);
  for (const key of spec.lists ?? []) {
    copy[key] =
      key === 'layers'
        ? strings0(copy[key], (layer, l) => strings(`options.layers[${l}]`, layer))
        : strings(`options.${key}`, copy[key]);
  }
  for (const key of spec.objects ?? [])
    if (copy[key] !== undefined) copy[key] = record(where, `options.${key}`, copy[key]);
  return copy as O;

  function strings0(value: unknown, each: (item: unknown, i: number) => string[]): string[][] {
    if (!Array.isArray(value)) refuse('options.layers', 'an array of layers', value);
    let list: unknown[] = [];
    try {
      list = Array.from(value as unknown[]);
    } catch (error) {
      refuse('options.layers', 'an array that can be read', (error as Error).message);
    }
    return list.map(each);
  }
}

/** The plan built, as the schema reads it: a plan the runtime would refuse is refused here. */
function checked<P extends Plan>(builder: string, plan: P): P {
  try {
    return parsePlan(plan, `${builder}(): the plan`) as P;
  } catch (error) {
    if (error instanceof RoundtableError) throw error;
    throw new PlanError(`${builder}(): the options could not be read: ${(error as Error).message}`);
  }
}

/** Speculative decoding: the draft decoder proposes, the target decoder verifies (see SpeculativePlan). */
export function speculative(options: Omit<SpeculativePlan, 'kind'>): SpeculativePlan {
  return { kind: 'speculative', ...options };
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
