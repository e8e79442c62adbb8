/**
 * The trace every plan result carries: per round, which actors ran, how long each took, each
 * model's weight in the fusion, and how much each agreed with the fused output. It is what makes
 * a collaboration of models explainable after the fact.
 */
export interface StepTrace {
  readonly actor: string;
  /** 'missing': not answered by the round's deadline; 'failed': answered with an error. */
  readonly status: 'ok' | 'missing' | 'failed';
  readonly ms: number;
  /** Time the model spent inside `session.run` (model actors only): `ms − runMs` is the overhead. */
  readonly runMs?: number;
  readonly error?: string;
  /** The weight the fusion gave this actor's output (after renormalising over who answered). */
  readonly weight?: number;
  /** Fraction of rows whose top choice equals the fused top choice (distributions only). */
  readonly agreement?: number;
  /** Mean total-variation distance between this output and the fused one (0 = identical). */
  readonly divergence?: number;
}

export interface FusionTrace {
  readonly strategy: string;
  readonly ms: number;
  readonly inputs: number;
}

export interface RoundTrace {
  readonly round: number;
  readonly name: string;
  readonly ms: number;
  readonly steps: readonly StepTrace[];
  readonly fusion?: FusionTrace;
  /** Actors that did not answer in time (the round went on with the quorum). */
  readonly missing: readonly string[];
  /** Set when the round's stop condition was met: the reduced value and the threshold. */
  readonly stopped?: { readonly value: number; readonly threshold: number };
}

export interface Trace {
  readonly plan: string;
  readonly ms: number;
  readonly rounds: readonly RoundTrace[];
}
