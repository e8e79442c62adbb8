import { describe, expect, it } from 'vitest';
import { generateJson } from './support/generate-cli.js';
import { GPT2_DIR, loadGpt2, plainBeam, plainGreedy } from './support/gpt2-plain-loop.js';

describe('roundtable generate', () => {
  it('prints the sequences of a plain onnxruntime-node loop, greedy and with --beams 4', async () => {
    const session = await loadGpt2();
    const prompt = [0, 0, 0, 52];
    const args = [GPT2_DIR, '--prompt-ids', '0,0,0,52', '--max-length', '10', '--json'];

    const greedy = await generateJson(args);
    const plainOne = await plainGreedy(session, prompt, 10);
    expect(greedy.sequences.map((s) => s.ids)).toEqual([plainOne.ids]);
    expect(greedy.sequences[0]!.logprob).toBeCloseTo(plainOne.logprob, 3);
    expect(typeof greedy.sequences[0]!.text).toBe('string');

    const beams = await generateJson([...args, '--beams', '4']);
    const plainFour = await plainBeam(session, prompt, 10, 4);
    expect(beams.sequences.map((s) => s.ids)).toEqual(plainFour.map((s) => s.ids));
    beams.sequences.forEach((s, i) => expect(s.logprob).toBeCloseTo(plainFour[i]!.logprob, 3));
  });
});
