import { describe, expect, it } from 'vitest';
import { type GeneratedSequence, generateJson } from './support/generate-cli.js';
import { GPT2_DIR, loadGpt2, plainGreedy } from './support/gpt2-plain-loop.js';

interface Printed {
  sequences: GeneratedSequence[];
  speculative: { proposed: number; accepted: number; targetSteps: number };
}

const generate = (args: string[]) => generateJson<Printed>(args);

describe('roundtable generate --draft', () => {
  it('prints the plain greedy loop’s sequence and the speculative trace', async () => {
    const session = await loadGpt2();
    const plain = await plainGreedy(session, [7, 300, 12], 20);
    const printed = await generate([
      GPT2_DIR,
      '--draft',
      GPT2_DIR,
      '--prompt-ids',
      '7,300,12',
      '--max-length',
      '20',
      '--k',
      '3',
      '--json',
    ]);
    expect(printed.sequences.map((s) => s.ids)).toEqual([plain.ids]);
    expect(printed.sequences[0]!.logprob).toBeCloseTo(plain.logprob, 3);
    expect(printed.speculative.accepted).toBeGreaterThan(0);
    expect(printed.speculative.targetSteps).toBeLessThan(plain.ids.length - 3);
  });
});
