/**
 * What a cascade run reports: per segment (row), which stage answered it and each stage's score
 * and decision on the way; per stage, the rows it ran and what they cost. Compute is measured as
 * actor run time (inside the actor: `session.run` for a model actor), and also given in the
 * plan's declared relative costs when it declares them.
 */

/** 'stop': the score reached the threshold; 'escalate': it did not (or was not finite); 'last': the last stage answers every row it gets. */
export type CascadeDecision = 'stop' | 'escalate' | 'last';

export interface CascadeVisit {
  readonly stage: number;
  readonly actor: string;
  /** The scorer's score of this stage's answer; NaN when the last stage is not scored. */
  readonly score: number;
  readonly decision: CascadeDecision;
  /** This stage's measured run time shared among the rows it ran (its ms / its rows). */
  readonly computeMs: number;
}

export interface CascadeSegmentTrace {
  readonly segment: number;
  /** The stage and actor whose answer the output holds. */
  readonly stage: number;
  readonly actor: string;
  /** Every stage the segment reached, in order. */
  readonly visits: readonly CascadeVisit[];
  /** Sum of the visits' computeMs (the scorer's share included). */
  readonly computeMs: number;
  /** Sum of the declared costs of the stages it reached, when every stage declares one. */
  readonly cost?: number;
}

export interface CascadeStageTrace {
  readonly stage: number;
  readonly actor: string;
  /** Rows that reached this stage: only those ran on it. */
  readonly rows: number;
  /** Rows it passed on to the next stage. */
  readonly escalated: number;
  /** Wall time of the stage's call, from the caller. */
  readonly ms: number;
  /** Time the actor spent running (model actors: inside `session.run`); `ms` when not reported. */
  readonly runMs: number;
  /** Run time of the scorer actor on this stage's answers (0 for a confidence read here). */
  readonly scorerMs: number;
  /** The stage's declared relative cost per row, when the plan gives one. */
  readonly cost?: number;
}

export interface CascadeTrace {
  readonly plan: string;
  readonly ms: number;
  readonly stages: readonly CascadeStageTrace[];
  readonly segments: readonly CascadeSegmentTrace[];
}
