import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax, draw, probabilities } from '../src/engines/decoder/token-choice.js';
import { ArgumentError } from '../src/errors.js';
import { writeDecoderFolder } from '../src/models/decoders/index.js';
import { startRuntime } from './support/runtime.js';

// A speculative round asks each decoder once: the draft chooses its k proposals in its worker
// (propose), and a step drops rejected positions before it appends (rewind). Both must give
// exactly what the calls one at a time give: the same tokens, the same distributions, the same
// sequence length.
describe('decoder propose, and step with rewind', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-propose-'));
    await writeDecoderFolder(dir, { seed: 21, form: 'merged' });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('greedy proposals are the tokens of stepping one at a time, from the rows those steps answer', async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnDecoder('lm', { folder: dir });
    const prompt = [1, 17, 5, 30];
    // One at a time: open, step 9 and 12, then four greedy choices, each fed but the last.
    let one = await lm.open(prompt);
    one = await lm.step(one.sequence, [[9, 12]]);
    const expected: number[] = [];
    const rows: Float32Array[] = [];
    for (let j = 0; j < 4; j++) {
      rows.push(one.logprobs!);
      expected.push(argmax(one.logprobs!));
      if (j < 3) one = await lm.step(one.sequence, [expected[j]!]);
    }
    // In one message, after an open of the same prompt.
    const opened = await lm.open(prompt);
    const proposal = await lm.propose(opened.sequence, [9, 12], { count: 4, distributions: true });
    expect([...proposal.tokens]).toEqual(expected);
    expect(proposal.sequence.length).toBe(prompt.length + 2 + 3);
    expect(proposal.sequence.length).toBe(one.sequence.length);
    for (let j = 0; j < 4; j++) {
      expect(proposal.logprobs!.subarray(j * lm.vocab, (j + 1) * lm.vocab)).toEqual(rows[j]);
    }
    // Without distributions, tokens only.
    const bare = await lm.propose((await lm.open(prompt)).sequence, [9, 12], { count: 4 });
    expect([...bare.tokens]).toEqual(expected);
    expect(bare.logprobs).toBeUndefined();
    await runtime.close();
  });

  it('sampled proposals are the draws the caller would make with the same uniform numbers', async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnDecoder('lm', { folder: dir });
    const prompt = [1, 40, 41];
    const uniforms = [0.13, 0.92, 0.5];
    const temperature = 0.7;
    let one = await lm.open(prompt);
    one = await lm.step(one.sequence, [6]);
    const expected: number[] = [];
    for (let j = 0; j < 3; j++) {
      expected.push(draw(probabilities(one.logprobs!, temperature), () => uniforms[j]!)!);
      if (j < 2) one = await lm.step(one.sequence, [expected[j]!]);
    }
    const opened = await lm.open(prompt);
    const proposal = await lm.propose(opened.sequence, [6], {
      count: 3,
      sampling: { uniforms, temperature },
    });
    expect([...proposal.tokens]).toEqual(expected);
    await runtime.close();
  });

  it('a rewind folded into the next step or proposal is the rewind, then the step', async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnDecoder('lm', { folder: dir });
    const prompt = [1, 23, 24, 25];
    // Apart: append 4, drop 3, then append 2 with every position answered.
    let apart = await lm.open(prompt);
    apart = await lm.step(apart.sequence, [[7, 8, 9, 10]]);
    const dropped = await lm.rewind(apart.sequence, 3);
    const after = await lm.step(dropped, [[11, 12]], { positions: 'all' });
    // Folded into one step.
    let folded = await lm.open(prompt);
    folded = await lm.step(folded.sequence, [[7, 8, 9, 10]]);
    const once = await lm.step(folded.sequence, [[11, 12]], { positions: 'all', rewind: 3 });
    expect(once.sequence.length).toBe(after.sequence.length);
    expect(once.sequence.length).toBe(prompt.length + 1 + 2);
    expect(once.logprobs).toEqual(after.logprobs);
    // Folded into a proposal.
    let proposing = await lm.open(prompt);
    proposing = await lm.step(proposing.sequence, [[7, 8, 9, 10]]);
    const proposal = await lm.propose(proposing.sequence, [11, 12], {
      count: 1,
      rewind: 3,
      distributions: true,
    });
    expect(proposal.logprobs).toEqual(after.logprobs!.subarray(lm.vocab));
    expect(proposal.tokens[0]).toBe(argmax(after.logprobs!.subarray(lm.vocab)));
    await runtime.close();
  });

  it("a verifying step's best token at each position is the argmax of its whole distribution there", async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnDecoder('lm', { folder: dir });
    const appended = [7, 8, 9, 10, 11, 12];
    const whole = await lm.step((await lm.open([1, 60, 8])).sequence, [appended], {
      positions: 'all',
    });
    const best = await lm.step((await lm.open([1, 60, 8])).sequence, [appended], {
      positions: 'all',
      topK: 1,
    });
    expect(best.topIds).toHaveLength(appended.length);
    for (let j = 0; j < appended.length; j++) {
      const row = whole.logprobs!.subarray(j * lm.vocab, (j + 1) * lm.vocab);
      expect(best.topIds![j]).toBe(argmax(row));
      expect(best.topLogprobs![j]).toBe(row[argmax(row)]);
    }
    await runtime.close();
  });

  it('refuses what it cannot do, naming the argument', async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnDecoder('lm', { folder: dir });
    const opened = await lm.open([1, 5, 6]);
    const refused = async (work: Promise<unknown>, argument: string) => {
      const error = await work.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).message).toContain(argument);
    };
    await refused(lm.propose(opened.sequence, [7], { count: 0 }), 'options.count');
    await refused(lm.propose(opened.sequence, [], { count: 2 }), 'tokens');
    await refused(
      lm.propose(opened.sequence, [7], { count: 2, sampling: { uniforms: [0.5], temperature: 1 } }),
      'options.sampling.uniforms',
    );
    await refused(
      lm.step(opened.sequence, [7], { rewind: -1 } as unknown as { rewind: number }),
      'options.rewind',
    );
    const beams = await lm.open([
      [1, 5],
      [1, 6],
    ]);
    await refused(lm.propose(beams.sequence, [7], { count: 1 }), 'handle');
    // A rewind past the sequence is the worker's typed refusal, and the sequence stays usable.
    await expect(lm.step(opened.sequence, [7], { rewind: 3 })).rejects.toMatchObject({
      code: 'ERR_FEED',
    });
    const still = await lm.step(opened.sequence, [7]);
    expect(still.sequence.length).toBe(4);
    await runtime.close();
  });
});
