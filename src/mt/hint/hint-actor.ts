/**
 * Custom-actor module (runs on a worker): the hint model, a plan step of decode plans. It reads
 * the same window as the translation models and answers next-token logits from the hint segment
 * of the prompt alone (hint-scores.ts), so fusing it with translation models pulls a decode
 * towards a translation-memory match or the previous round's output where the models are unsure.
 */
import type { CustomActorContext } from '../../engines/js/index.js';
import type { HostTensor } from '../../tensor/index.js';
import type { PromptLayout } from '../translate/prompt.js';
import { DEFAULT_HINT_BONUS, type HintBonus, hintLogits } from './hint-scores.js';

export interface HintActorOptions {
  readonly layout: PromptLayout;
  readonly vocab: number;
  readonly bonus?: Partial<HintBonus>;
}

export const signature = {
  inputs: [{ name: 'tokens', dtype: 'int64', shape: ['batch', 'context'] }],
  outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 'vocab'] }],
};

export function createActor(context: CustomActorContext<HintActorOptions>) {
  const { layout, vocab } = context.options;
  const bonus: HintBonus = { ...DEFAULT_HINT_BONUS, ...context.options.bonus };
  return {
    run(inputs: Record<string, HostTensor>): Record<string, HostTensor> {
      const tokens = inputs.tokens;
      if (tokens?.dtype !== 'int64' || tokens.dims.length !== 2)
        throw new TypeError(
          `hint actor: input "tokens" must be int64 [batch, context], got ${tokens ? `${tokens.dtype} [${tokens.dims.join(', ')}]` : 'nothing'}`,
        );
      const [batch, width] = tokens.dims as [number, number];
      const logits = new Float32Array(batch * vocab);
      hintLogits(layout, tokens.data as BigInt64Array, width, vocab, bonus, logits);
      return { logits: { dtype: 'float32', dims: [batch, vocab], data: logits } };
    },
  };
}
