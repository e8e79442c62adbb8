// A model folder as published (onnxruntime-genai or Hugging Face Optimum): a decoder actor keeps
// each sequence's key/value cache in its worker. Run: npx tsx examples/model-folder.ts [folder]
import { Roundtable } from 'roundtable';

const folder = process.argv[2] ?? '../shared/models/tiny-random-gpt2';
const runtime = await Roundtable.create();
try {
  const gpt2 = await runtime.spawnDecoder('gpt2', {
    folder,
    budgetBytes: 64 << 20,
    idleMs: 60_000,
  });
  const prompt = [0, 0, 0, 52];
  // Greedy, then beam search with Hugging Face's semantics; max length counts the prompt.
  const [greedy] = await runtime.generate('gpt2', prompt, { maxLength: 10 });
  console.log('greedy', greedy?.ids.join(' '), `(log p ${greedy?.logprob.toFixed(2)})`);
  const beams = await runtime.generate('gpt2', prompt, {
    maxLength: 10,
    numBeams: 4,
    numReturnSequences: 2,
    lengthPenalty: 1,
  });
  for (const beam of beams) console.log('beam  ', beam.ids.join(' '), beam.score.toFixed(3));

  // The sequence operations underneath: open (prefill), step, fork, rewind, close.
  const opened = await gpt2.open(prompt);
  const two = await gpt2.reorder(opened.sequence, [0, 0]); // fork row 0 into two rows
  const step = await gpt2.step(two, [204, 460], { topK: 3 }); // one token per row
  console.log('top 3 after 204:', [...(step.topIds?.subarray(0, 3) ?? [])].join(' '));
  const back = await gpt2.rewind(step.sequence, 1);
  console.log(`rewound to ${back.length} positions, ${gpt2.bytes} bytes of cache held`);
  await gpt2.closeSequence(back);
} finally {
  await runtime.close();
}
