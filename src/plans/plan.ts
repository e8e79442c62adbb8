/**
 * Plans: what the plan runner runs. A plan is a sequence of rounds; a round is a set of steps run
 * in parallel, each an actor with an input map and an output map (as a Triton ensemble step), then
 * an optional fusion, then an optional stop condition. Decoding, whose rounds are generated one per
 * output token, has its own shape.
 *
 * Plans are plain data: the builders in `builders.ts` make them in code, `schema.ts` validates the
 * same shape read from a JSON file.
 */
import type { FuseInputKind, FuseStrategy } from '../actor/fuser.js';

/** The name of a tensor in the plan's environment (the feeds, and every output written so far). */
export type TensorName = string;

export interface Step {
  readonly actor: string;
  /** Actor input name → plan tensor name it reads. */
  readonly inputs: Readonly<Record<string, TensorName>>;
  /** Actor output name → plan tensor name it writes (a later round may overwrite a name). */
  readonly outputs: Readonly<Record<string, TensorName>>;
}

/** A fuser's strategies, and 'rerank': each candidate scored by an actor, the best one kept. */
export type FusionStrategy = FuseStrategy | 'rerank';

export type FusionInputKind = FuseInputKind;

export interface Fusion {
  readonly strategy: FusionStrategy;
  /** The K tensors to fuse, all of one shape. */
  readonly inputs: readonly TensorName[];
  readonly kind?: FusionInputKind;
  /** One per input; default uniform. */
  readonly weights?: readonly number[];
  /** One per input, applied to logits and log-probabilities before normalising; default 1. */
  readonly temperatures?: readonly number[];
  /** Where the fused tensor goes. */
  readonly output: TensorName;
  /** For 'rerank': the actor that scores one candidate, its input and output names. */
  readonly scorer?: {
    readonly actor: string;
    readonly input: string;
    readonly output: string;
    readonly extra?: Readonly<Record<string, TensorName>>;
  };
}

/** Stop after this round when the named tensor's values, reduced, reach the threshold. */
export interface StopCondition {
  readonly tensor: TensorName;
  readonly atLeast: number;
  /** How the tensor's values are reduced to one number. Default 'min' (every row confident). */
  readonly reduce?: 'min' | 'mean' | 'max';
}

export interface Round {
  readonly name?: string;
  readonly steps: readonly Step[];
  readonly fusion?: Fusion;
  readonly stop?: StopCondition;
  /** Steps that must answer for the round to go on; default all of them. */
  readonly quorum?: number;
  /** Milliseconds the round may take; steps not answered by then are missing. */
  readonly deadlineMs?: number;
  /** Times a step whose actor crashed is run again on the restarted actor, within the deadline. */
  readonly retries?: number;
}

/**
 * Actors a plan file brings with it, by name, so `roundtable run plan.json` can start them: a model
 * file (path relative to the plan file) run here, a model on a server speaking the Open Inference
 * Protocol, or an actor served by other processes over NATS. Plans built in code usually leave
 * this out and spawn or add actors themselves.
 */
export type ActorSpec = LocalModelSpec | OipModelSpec | NatsActorSpec;

export interface LocalModelSpec {
  readonly model: string;
  readonly replicas?: number;
  readonly mailbox?: { readonly capacity?: number; readonly overflow?: 'reject' | 'wait' };
  readonly oip?: never;
  readonly nats?: never;
}

/** A model on a server speaking the Open Inference Protocol (Triton, KServe, roundtable serve). */
export interface OipModelSpec {
  readonly oip: {
    readonly url: string;
    readonly model: string;
    readonly version?: string;
    readonly timeout?: number;
    readonly binary?: boolean;
  };
  readonly model?: never;
  readonly nats?: never;
}

/** An actor served over NATS (`roundtable serve --nats`); the connection is the runner's. */
export interface NatsActorSpec {
  readonly nats: {
    /** Its name on the servers; default the plan's name for it. */
    readonly actor?: string;
    /** Subject prefix of the servers; default 'roundtable'. */
    readonly prefix?: string;
    /** Milliseconds a call may take; default 30 000. */
    readonly timeout?: number;
  };
  readonly model?: never;
  readonly oip?: never;
}

export interface RoundsPlan {
  readonly kind: 'rounds';
  readonly name: string;
  readonly actors?: Readonly<Record<string, ActorSpec>>;
  /** What the caller must feed. */
  readonly inputs: readonly TensorName[];
  /** What the plan returns. */
  readonly outputs: readonly TensorName[];
  readonly rounds: readonly Round[];
}

export interface DecodeModel {
  readonly actor: string;
  /** The model's int64 input of token ids, [batch, context]. Default 'tokens'. */
  readonly input?: string;
  /** The model's float32 output of next-token scores, [batch, vocab]. Default 'logits'. */
  readonly output?: string;
}

export interface DecodeSearch {
  readonly type: 'greedy' | 'beam';
  /** Hypotheses kept per step (beam only). Default 4. */
  readonly beamWidth?: number;
  /** Length normalisation exponent α: score / length^α. Default 1. */
  readonly lengthPenalty?: number;
}

export interface DecodePlan {
  readonly kind: 'decode';
  readonly name: string;
  readonly actors?: Readonly<Record<string, ActorSpec>>;
  readonly models: readonly DecodeModel[];
  readonly fusion: {
    readonly strategy: 'log-linear' | 'log-mean' | 'mean';
    readonly weights?: readonly number[];
    readonly temperatures?: readonly number[];
  };
  readonly search: DecodeSearch;
  /** Token ids the models see at once (the models' fixed context width). */
  readonly context: number;
  /** Token id that ends a sequence. */
  readonly endToken: number;
  /** Token id used to left-pad the context. Default 0. */
  readonly padToken?: number;
  /** Tokens generated at most, not counting the prompt. */
  readonly maxLength: number;
}

/**
 * Speculative decoding with two decoder actors spawned by `spawnDecoder`: the draft proposes k
 * tokens, the target scores them in one step and keeps what it agrees with (greedy: its own
 * greedy output; sampling: its own distribution). Run with `runtime.speculate(plan, prompt)`.
 */
export interface SpeculativePlan {
  readonly kind: 'speculative';
  readonly name: string;
  /** Names of the decoder actors. */
  readonly draft: string;
  readonly target: string;
  /** Proposals in the first round (every round when `adaptive` is false). Default 4. */
  readonly k?: number;
  /** k adapts within [minK, maxK], by measured cost (greedy) or acceptance alone. Default on, [1, 8], by cost. */
  readonly adaptive?:
    | boolean
    | { readonly minK?: number; readonly maxK?: number; readonly by?: 'cost' | 'acceptance' };
  /** Length of the output, prompt included. Default: the target folder's, else 20. */
  readonly maxLength?: number;
  /** Absent: greedy. */
  readonly sampling?: { readonly temperature?: number; readonly seed: number };
  /** Decoders are spawned by name with `spawnDecoder`, not brought by the plan. */
  readonly actors?: never;
}

/**
 * One model of a cascade: it answers the rows (segments) that reach it; the scorer then decides,
 * per row, whether its answer stands or the row escalates to the next stage.
 */
export interface CascadeStage {
  readonly actor: string;
  /** The actor's input that reads the plan's input rows. Default: the plan's input name. */
  readonly input?: string;
  /** The actor's output holding its answer, [rows, …]. Default 'logits'. */
  readonly output?: string;
  /**
   * A row whose score is below this escalates to the next stage; at or above it, this stage's
   * answer stands. Every stage but the last has one; the last answers every row it gets.
   */
  readonly threshold?: number;
  /** Declared relative cost of one row on this stage (for instance its FLOPs against the others). */
  readonly cost?: number;
}

/**
 * How a stage's answer to one row is scored (higher is better):
 * - `max-probability`: the probability of the top class, averaged over the row's positions
 *   (the answer holds distributions on its last axis, as `kind` says; default logits);
 * - `mean-logprob`: the mean over the row's positions of the top class's log-probability;
 * - `actor`: a scorer actor (a QE model) reads the answer rows on `input`, and the plan's input
 *   rows on `source` when given, and writes one score per row on `output`.
 */
export type CascadeScorer =
  | {
      readonly type: 'max-probability' | 'mean-logprob';
      readonly kind?: 'logits' | 'logprobs' | 'probs';
    }
  | {
      readonly type: 'actor';
      readonly actor: string;
      readonly input: string;
      readonly output: string;
      readonly source?: string;
    };

/**
 * A cascade: the models ordered cheapest first. Every row of the input goes to the first stage;
 * a row whose score is below that stage's threshold goes on to the next, and only those rows run
 * there. A score that is not a finite number (NaN, ±Infinity) escalates too.
 */
export interface CascadePlan {
  readonly kind: 'cascade';
  readonly name: string;
  readonly actors?: Readonly<Record<string, ActorSpec>>;
  /** The feed, [rows, …]: one row per segment. */
  readonly input: TensorName;
  /** Where the answers go, [rows, …]: each row from the stage that answered it. */
  readonly output: TensorName;
  readonly stages: readonly CascadeStage[];
  readonly scorer: CascadeScorer;
}

export type Plan = RoundsPlan | DecodePlan | SpeculativePlan | CascadePlan;
