// Three classifiers as actors on worker threads, fused into one answer, with a trace of who
// contributed what. Run it with `npx tsx examples/quickstart.ts` (or see README.md).

import { ensemble, Roundtable } from 'roundtable';
import { classifier } from 'roundtable/models';

const runtime = await Roundtable.create();
try {
  // Any .onnx path or bytes will do; these are generated from seeds by the repo itself.
  for (const seed of [1, 2, 3]) {
    await runtime.spawnModel(`clf${seed}`, { model: classifier({ seed }).bytes });
  }
  const plan = ensemble({
    name: 'classify',
    models: ['clf1', 'clf2', 'clf3'],
    input: 'features',
    output: 'logits',
    fusion: { strategy: 'mean', kind: 'logits', weights: [0.5, 0.25, 0.25] },
  });
  const features = new Float32Array(64).map((_, i) => Math.sin(i));
  const { outputs, trace } = await runtime.run(plan, {
    features: { dtype: 'float32', dims: [1, 64], data: features },
  });
  const probabilities = Array.from(outputs.fused!.data as Float32Array);
  console.log('fused probabilities:', probabilities.map((p) => p.toFixed(3)).join(' '));
  for (const step of trace.rounds[0]!.steps) {
    console.log(
      `${step.actor}: ${step.ms.toFixed(2)} ms, weight ${step.weight}, agreement ${step.agreement}`,
    );
  }
} finally {
  await runtime.close();
}
