import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerGenerate } from '../src/cli/commands/generate.js';
import { GPT2_DIR, loadGpt2, plainBeam, plainGreedy } from './support/gpt2-plain-loop.js';

interface Printed {
  sequences: { ids: number[]; text?: string; logprob: number }[];
}

async function generate(args: string[]): Promise<Printed> {
  const out: string[] = [];
  const program = new Command('roundtable').exitOverride();
  program.configureOutput({ writeOut: (text) => out.push(text), writeErr: () => {} });
  registerGenerate(program);
  await program.parseAsync(['generate', ...args], { from: 'user' });
  return JSON.parse(out.join('')) as Printed;
}

describe('roundtable generate', () => {
  it('prints the sequences of a plain onnxruntime-node loop, greedy and with --beams 4', async () => {
    const session = await loadGpt2();
    const prompt = [0, 0, 0, 52];
    const args = [GPT2_DIR, '--prompt-ids', '0,0,0,52', '--max-length', '10', '--json'];

    const greedy = await generate(args);
    const plainOne = await plainGreedy(session, prompt, 10);
    expect(greedy.sequences.map((s) => s.ids)).toEqual([plainOne.ids]);
    expect(greedy.sequences[0]!.logprob).toBeCloseTo(plainOne.logprob, 3);
    expect(typeof greedy.sequences[0]!.text).toBe('string');

    const beams = await generate([...args, '--beams', '4']);
    const plainFour = await plainBeam(session, prompt, 10, 4);
    expect(beams.sequences.map((s) => s.ids)).toEqual(plainFour.map((s) => s.ids));
    beams.sequences.forEach((s, i) => expect(s.logprob).toBeCloseTo(plainFour[i]!.logprob, 3));
  });
});
