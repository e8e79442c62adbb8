import type { DecodeResult } from '../../plan-runner/run-decode.js';
import { decode } from '../../plans/builders.js';
import type { TmHintInput } from './method-context.js';
import { buildPrompt } from './prompt.js';
import type { TranslatorOptions } from './translator-types.js';

/**
 * One decode with engines `engines` (indices) fused with their weights renormalised, and the
 * hint actor when a hint is given; the output continues `prefix` (a forced start of the
 * translation), which the result's tokens do not repeat.
 */
export function fusedDecode(
  o: TranslatorOptions,
  fusion: { readonly weights: readonly number[]; readonly temperatures: readonly number[] },
  beam: number,
  engines: readonly number[],
  source: readonly number[],
  hint?: TmHintInput,
  prefix: readonly number[] = [],
): Promise<DecodeResult> {
  const actors = engines.map((k) => o.engines[k]!);
  let weights = engines.map((k) => fusion.weights[k]!);
  const total = weights.reduce((a, b) => a + b, 0);
  weights = weights.map((w) => (total > 0 ? w / total : 1 / weights.length));
  const temperatures = engines.map((k) => fusion.temperatures[k]!);
  const models = actors.map((actor) => ({ actor }));
  if (hint && o.hint) {
    // The hint's logits are read at the engines' mean temperature, so that its weight is in the
    // same units as theirs: weight h against 1 − h for the engines together.
    const temperature = weights.reduce((sum, w, i) => sum + w * temperatures[i]!, 0);
    weights = [...weights.map((w) => w * (1 - hint.weight)), hint.weight];
    temperatures.push(temperature);
    models.push({ actor: o.hint.actor });
  }
  const plan = decode({
    name: `translate ${actors.join('+')}${hint ? '+hint' : ''}`,
    models,
    fusion: { strategy: 'log-linear', weights, temperatures },
    search:
      beam > 1
        ? { type: 'beam', beamWidth: beam, lengthPenalty: o.lengthPenalty ?? 1 }
        : { type: 'greedy' },
    context: o.context,
    endToken: o.layout.eos,
    padToken: o.layout.pad,
    maxLength: Math.max(1, o.maxLength - prefix.length),
  });
  return o.runtime.decode(plan, [...buildPrompt(o.layout, source, hint?.tokens), ...prefix]);
}
