// Ensemble decoding: three next-token models vote on every token, greedy and beam search.
// Run: npx tsx examples/decode.ts
import { decode, Roundtable } from 'roundtable';
import { nextTokenModel } from 'roundtable/models';

const runtime = await Roundtable.create();
try {
  for (const seed of [1, 2, 3]) {
    await runtime.spawnModel(`lm${seed}`, { model: nextTokenModel({ seed, vocab: 500 }).bytes });
  }
  const base = {
    name: 'generate',
    models: [{ actor: 'lm1' }, { actor: 'lm2' }, { actor: 'lm3' }],
    // log-linear: a weighted sum of the models' log-probabilities, renormalised (as Marian does)
    fusion: { strategy: 'log-linear' as const, weights: [0.5, 0.25, 0.25] },
    context: 8, // the models read the last 8 token ids
    endToken: 1,
    maxLength: 10,
  };
  const prompt = [42, 7, 99];
  const greedy = await runtime.decode(decode({ ...base, search: { type: 'greedy' } }), prompt);
  const beam = await runtime.decode(
    decode({ ...base, search: { type: 'beam', beamWidth: 4, lengthPenalty: 1 } }),
    prompt,
  );
  console.log('greedy', greedy.tokens.join(' '), `(log p ${greedy.logprob.toFixed(2)})`);
  console.log('beam  ', beam.tokens.join(' '), `(log p ${beam.logprob.toFixed(2)})`);
  console.log(`${greedy.trace.rounds.length} rounds, one per token`);
} finally {
  await runtime.close();
}
