import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerGenerate } from '../src/cli/commands/generate.js';
import { GPT2_DIR, loadGpt2, plainGreedy } from './support/gpt2-plain-loop.js';

interface Printed {
  sequences: { ids: number[]; text?: string; logprob: number }[];
  speculative: { proposed: number; accepted: number; targetSteps: number };
}

async function generate(args: string[]): Promise<Printed> {
  const out: string[] = [];
  const program = new Command('roundtable').exitOverride();
  program.configureOutput({ writeOut: (text) => out.push(text), writeErr: () => {} });
  registerGenerate(program);
  await program.parseAsync(['generate', ...args], { from: 'user' });
  return JSON.parse(out.join('')) as Printed;
}

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
