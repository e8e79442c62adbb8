/**
 * What a benchmark suite is and what it hands back to the runner. A suite answers one question
 * ("what does an ask cost beside a raw postMessage?") by measuring roundtable and the plain ways of
 * doing the same job in one run, and returns tables for the report, charts, and the figures the
 * runner turns into ratios.
 */
import type { Spread } from './spread.js';

export type SuiteName =
  | 'ask'
  | 'messaging'
  | 'exchange'
  | 'fusion'
  | 'ensemble'
  | 'overhead'
  | 'decode'
  | 'kv-decode'
  | 'batching'
  | 'service'
  | 'memory'
  | 'speculative'
  | 'cold-start';

export interface SuiteContext {
  /** A shorter run: shorter time budgets, fewer samples. */
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export type Cell = string | number | null;

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Said under the table: how to read it, what was left out. */
  readonly note?: string;
}

export interface Bar {
  readonly label: string;
  /** null: not measured (drawn as an empty slot with "n/a"). */
  readonly value: number | null;
}

export interface BarChart {
  /** File name under docs/benchmarks/, e.g. 'messaging-rtt.svg'. */
  readonly file: string;
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly Bar[];
}

export interface SuiteOutcome {
  readonly tables: readonly Table[];
  readonly charts: readonly BarChart[];
  /** Named numbers; those named like a ratio key (see targets.ts) become the report's ratios. */
  readonly figures: Readonly<Record<string, number | null>>;
  /** Figures measured in several repeats: their range and sample count (see spread.ts). */
  readonly spreads?: Readonly<Record<string, Spread>>;
  /** How many samples (asks, runs) stand behind a figure of one run, where the suite knows. */
  readonly samples?: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

export interface SuiteResult extends SuiteOutcome {
  readonly name: SuiteName;
  readonly title: string;
  readonly seconds: number;
  /** Set when the suite threw: its tables are then empty and its figures null. */
  readonly error?: string;
}

export interface Suite {
  readonly name: SuiteName;
  readonly title: string;
  run(context: SuiteContext): Promise<SuiteOutcome>;
}
