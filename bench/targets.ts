/**
 * The ratios the benchmark report leads with, and the targets issues 5 and 12 set for them. A
 * ratio with no target is reported as measured.
 */
import type { Spread } from './spread.js';

export const RATIO_KEYS = [
  'ask_p50_spaced_vs_by_hand',
  'ask_p99_poisson70_vs_by_hand',
  'ask_cpu_spaced_vs_by_hand',
  'ask_p50_back-to-back_vs_by_hand',
  'ask_cpu_back-to-back_vs_by_hand',
  'ask_p50_poisson30_vs_by_hand',
  'ask_p50_gap5_vs_by_hand',
  'ensemble4_vs_by_hand_threads',
  'decode_step_vs_by_hand',
  'decode_step_vs_by_hand_cold',
  'ask_rtt_vs_postmessage',
  'ensemble4_throughput_vs_sequential',
  'eventloop_p99_ms_roundtable',
  'eventloop_p99_ms_mainthread',
  'overhead_5ms_model',
  'overhead_tiny_model_us',
  'fusion_vs_naive_js',
  'fusion_vs_memcpy',
  'decode_step_overhead_us',
  'kv_step_vs_plain_loop',
  'kv_step_growth_16_to_512',
  'service_health_p99_vs_direct',
  'batching_throughput_vs_unbatched',
  'speculative_speedup_vs_target',
  'ensemble4_cpu_vs_by_hand_threads',
  'ensemble4_caller_cpu_vs_by_hand_threads',
  'decode_step_cpu_vs_by_hand',
  'decode_step_caller_cpu_vs_by_hand',
  'kv_step_cpu_vs_by_hand_worker',
  'kv_step_caller_cpu_vs_by_hand_worker',
  'cold_start_p99_vs_by_hand',
  'warmed_start_p99_vs_warmed_by_hand',
] as const;

export type RatioKey = (typeof RATIO_KEYS)[number];

export type Ratios = Record<RatioKey, number | null>;

export interface Target {
  readonly key: RatioKey;
  /** What is measured, in words. */
  readonly label: string;
  readonly goal: 'atMost' | 'atLeast';
  readonly threshold: number;
  /** How the target reads in the issue that set it. */
  readonly text: string;
  /**
   * The same measure taken of the hand-written alternative in the same run (a suite figure's
   * key): the floor a target beyond it would have to beat, on this machine, by more than the
   * plain way can.
   */
  readonly floor?: string;
}

export const TARGETS: readonly Target[] = [
  {
    key: 'ask_p50_spaced_vs_by_hand',
    label: 'one ask 1 ms apart, host tensors: roundtable p50 / hand-written worker p50',
    goal: 'atMost',
    threshold: 1,
    text: '≤ 1.0 × by hand',
  },
  {
    key: 'ask_p99_poisson70_vs_by_hand',
    label: 'asks arriving at random at 70 % of capacity: roundtable p99 / hand-written worker p99',
    goal: 'atMost',
    threshold: 1,
    text: '≤ 1.0 × by hand',
  },
  {
    key: 'ask_cpu_spaced_vs_by_hand',
    label: 'process CPU per ask, 1 ms apart: roundtable / hand-written worker',
    goal: 'atMost',
    threshold: 1.2,
    text: '≤ 1.2 × by hand',
  },
  {
    key: 'ensemble4_vs_by_hand_threads',
    label: 'K=4 ensemble throughput: roundtable / K worker threads written by hand',
    goal: 'atLeast',
    threshold: 1,
    text: '≥ 1.0 × by hand',
  },
  {
    key: 'decode_step_vs_by_hand',
    label: 'greedy decoding, K=3: time per token, roundtable / K worker threads written by hand',
    goal: 'atMost',
    threshold: 1,
    text: '≤ 1.0 × by hand',
  },
  {
    key: 'ask_rtt_vs_postmessage',
    label: 'actor ask round trip (dispatch path) / raw postMessage round trip',
    goal: 'atMost',
    threshold: 0.6,
    text: '≤ 0.6 × postMessage',
  },
  {
    key: 'eventloop_p99_ms_roundtable',
    label: "caller's event-loop delay p99 while a K=4 ensemble runs on roundtable (ms)",
    goal: 'atMost',
    threshold: 1,
    text: '≤ 1 ms while models run',
    floor: 'eventloop_p99_ms_by_hand',
  },
  {
    key: 'ensemble4_throughput_vs_sequential',
    label: 'K=4 ensemble throughput, roundtable / one after another on the main thread',
    goal: 'atLeast',
    threshold: 1.8,
    text: '≥ 1.8 × sequential',
    floor: 'ensemble4_throughput_by_hand_vs_sequential',
  },
  {
    key: 'overhead_5ms_model',
    label: 'single-model overhead on a ~5 ms model (actor p50 / session.run p50 − 1)',
    goal: 'atMost',
    threshold: 0.05,
    text: '≤ 5 %',
    floor: 'overhead_5ms_by_hand',
  },
  {
    key: 'overhead_tiny_model_us',
    label: 'single-model overhead on a tiny model (actor p50 − session.run p50, µs)',
    goal: 'atMost',
    threshold: 40,
    text: '≤ 40 µs',
    floor: 'overhead_tiny_by_hand_us',
  },
  {
    key: 'fusion_vs_naive_js',
    label: 'weighted-mean fusion kernel / naive JavaScript loop (elements per second)',
    goal: 'atLeast',
    threshold: 4,
    text: '≥ 4 × naive',
  },
  {
    key: 'fusion_vs_memcpy',
    label: 'weighted-mean fusion kernel / memcpy of the same bytes (elements per second)',
    goal: 'atLeast',
    threshold: 0.5,
    text: '≥ 0.5 × memcpy',
  },
  {
    key: 'decode_step_overhead_us',
    label: 'greedy decoding, K=3: time per token beyond its slowest session.run (µs)',
    goal: 'atMost',
    threshold: 100,
    text: '≤ 100 µs',
    floor: 'decode_step_overhead_by_hand_us',
  },
  {
    key: 'kv_step_vs_plain_loop',
    label:
      'decode step at length 256: stateful decoder actor / plain loop with its cache on the main thread',
    goal: 'atMost',
    threshold: 1.1,
    text: '≤ 1.1 × plain loop (issue 13)',
    floor: 'kv_step_by_hand_vs_plain_loop',
  },
  {
    key: 'kv_step_growth_16_to_512',
    label: 'stateful decoder actor: step time at length 512 / at length 16',
    goal: 'atMost',
    threshold: 1.5,
    text: '≤ 1.5 (issue 13)',
  },
  {
    key: 'batching_throughput_vs_unbatched',
    label: 'dynamic batching throughput / unbatched',
    goal: 'atLeast',
    threshold: 2,
    text: '≥ 2 × unbatched',
  },
  {
    key: 'speculative_speedup_vs_target',
    label:
      'greedy generation, generated draft/target pair: speculative tokens/s / the target alone through the same decoder actor (acceptance, accepted / judged, beside it)',
    goal: 'atLeast',
    threshold: 2,
    text: '≥ 2 × the target alone at ≥ 70 % acceptance (issue 14)',
  },
];

/** What the ratios without a target measure. */
export const UNTARGETED: Readonly<Partial<Record<RatioKey, string>>> = {
  'ask_p50_back-to-back_vs_by_hand':
    'one ask at a time, back to back, host tensors: roundtable p50 / hand-written worker p50',
  'ask_cpu_back-to-back_vs_by_hand':
    'process CPU per ask, back to back: roundtable / hand-written worker',
  ask_p50_poisson30_vs_by_hand:
    'asks arriving at random at 30 % of capacity: roundtable p50 / hand-written worker p50',
  ask_p50_gap5_vs_by_hand: 'one ask 5 ms apart: roundtable p50 / hand-written worker p50',
  eventloop_p99_ms_mainthread:
    "caller's event-loop delay p99 while a K=4 ensemble runs one model after another on the main thread (ms)",
  decode_step_vs_by_hand_cold:
    'greedy decoding, K=3, over the warm-up before the timed turns (V8 still compiling): time per token, roundtable / K worker threads written by hand',
  service_health_p99_vs_direct:
    '/health p99 under /infer load: service embedding roundtable / service calling onnxruntime-node directly',
  ensemble4_cpu_vs_by_hand_threads:
    'K=4 ensemble of 5 ms models, process CPU per plan: roundtable / K worker threads written by hand',
  ensemble4_caller_cpu_vs_by_hand_threads:
    "K=4 ensemble of 5 ms models, the caller's thread's CPU per plan: roundtable / K worker threads written by hand",
  decode_step_cpu_vs_by_hand:
    'greedy decoding, K=3, process CPU per token: roundtable / K worker threads written by hand',
  decode_step_caller_cpu_vs_by_hand:
    "greedy decoding, K=3, the caller's thread's CPU per token: roundtable / K worker threads written by hand",
  kv_step_cpu_vs_by_hand_worker:
    'tiny-random-gpt2 decode step at length 256, process CPU per step: decoder actor / hand-written decode worker',
  kv_step_caller_cpu_vs_by_hand_worker:
    "tiny-random-gpt2 decode step at length 256, the caller's thread's CPU per step: decoder actor / hand-written decode worker",
  cold_start_p99_vs_by_hand:
    "a fresh process's first asks at random at 70 % of capacity, p99: roundtable asked as soon as spawned / hand-written worker",
  warmed_start_p99_vs_warmed_by_hand:
    "a fresh process's first asks at random at 70 % of capacity, p99: roundtable after actor.warmUp() / hand-written worker after the same warm-up",
};

export type Verdict = 'met' | 'missed' | 'not measured';

export function judge(target: Target, value: number | null | undefined): Verdict {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'not measured';
  const met = target.goal === 'atMost' ? value <= target.threshold : value >= target.threshold;
  return met ? 'met' : 'missed';
}

/** Picks the ratio keys out of the suites' figures; a key no suite measured is null. */
export function collectRatios(figures: readonly Readonly<Record<string, number | null>>[]): Ratios {
  const ratios = Object.fromEntries(RATIO_KEYS.map((key) => [key, null])) as Ratios;
  for (const set of figures) {
    for (const key of RATIO_KEYS) {
      const value = set[key];
      if (value !== undefined && value !== null && Number.isFinite(value)) ratios[key] = value;
    }
  }
  return ratios;
}

/** The spreads of the ratio keys, where a suite measured them in repeats. */
export function collectSpreads(
  spreads: readonly Readonly<Record<string, Spread>>[],
): Partial<Record<RatioKey, Spread>> {
  const out: Partial<Record<RatioKey, Spread>> = {};
  for (const set of spreads) {
    for (const key of RATIO_KEYS) {
      const spread = set[key];
      if (spread) out[key] = spread;
    }
  }
  return out;
}
