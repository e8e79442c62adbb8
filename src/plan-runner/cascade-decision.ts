import type { CascadeDecision } from './cascade-trace.js';

/**
 * Whether a segment stops at a stage or escalates. A score that is not a finite number never
 * stops a segment: NaN compares false both ways, and an infinite confidence says nothing about
 * quality, so the next (costlier) stage gets the segment; the last stage answers whatever it gets.
 */
export function cascadeDecision(score: number, threshold: number | undefined): CascadeDecision {
  if (threshold === undefined) return 'last';
  return Number.isFinite(score) && score >= threshold ? 'stop' : 'escalate';
}
