// A plan written by hand: three classifiers propose, a custom actor scores each proposal, and the
// best-scored one wins (fusion by rerank). Run: npx tsx examples/custom-plan.ts
import { type RoundsPlan, Roundtable } from 'roundtable';
import { classifier } from 'roundtable/models';

const runtime = await Roundtable.create();
try {
  for (const seed of [4, 5, 6]) {
    await runtime.spawnModel(`clf${seed}`, { model: classifier({ seed }).bytes });
  }
  const scorer = await runtime.spawnCustom<typeof import('./actors/margin-scorer.js')>('margin', {
    module: new URL('./actors/margin-scorer.ts', import.meta.url),
  });

  const plan: RoundsPlan = {
    kind: 'rounds',
    name: 'propose-and-pick',
    inputs: ['features'],
    outputs: ['best'],
    rounds: [
      {
        name: 'propose',
        steps: [4, 5, 6].map((seed) => ({
          actor: `clf${seed}`,
          inputs: { features: 'features' },
          outputs: { logits: `clf${seed}.logits` },
        })),
        // Rerank: the scorer rates every candidate; the best-rated one becomes the output.
        fusion: {
          strategy: 'rerank',
          inputs: ['clf4.logits', 'clf5.logits', 'clf6.logits'],
          output: 'best',
          scorer: { actor: 'margin', input: 'candidate', output: 'score' },
        },
      },
    ],
  };
  const features = new Float32Array(64).map((_, i) => Math.cos(i / 3));
  const { outputs, trace } = await runtime.run(plan, {
    features: { dtype: 'float32', dims: [1, 64], data: features },
  });
  const winner = trace.rounds[0]!.steps.find((step) => step.agreement === 1);
  const logits = Array.from(outputs.best!.data as Float32Array, (v) => v.toFixed(2));
  console.log(`picked ${winner?.actor}: logits ${logits.join(' ')}`);
  console.log('the scorer says', await scorer.ref.stats());
} finally {
  await runtime.close();
}
