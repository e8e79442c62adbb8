#!/usr/bin/env node
/**
 * `npm start`: models collaborating, on models the repository generates itself.
 *
 * Generates the demo models (seeded, into `.cache/models/`), spawns each as an actor on its own
 * worker thread, runs the four plan shapes (ensemble, refine, layers, decode) on sample inputs and
 * prints each result with its trace. Then the case roundtable is for: an HTTP service answering
 * with an ensemble of models of a few milliseconds, under load, three ways side by side
 * (inference on the event loop, worker threads written by hand, roundtable).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceTable } from '../cli/trace-table.js';
import { generateDemoModels, PAD_TOKEN } from '../models/index.js';
import { proposer } from '../models/proposer.js';
import { decode, ensemble, layers, refine } from '../plans/builders.js';
import { Roundtable } from '../runtime/roundtable.js';
import { SeededRandom } from '../util/random.js';
import { serviceTable } from './service/service-table.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const modelDir = join(repoRoot, '.cache/models');
const say = (text = '') => process.stdout.write(`${text}\n`);
const heading = (text: string) => say(`\n━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`);

const generated = await generateDemoModels(modelDir);
const files = new Map<string, string>();
for (const entry of generated.manifest.models)
  files.set(entry.description.name, join(modelDir, entry.file));
const named = (kind: string) => [...files.keys()].filter((name) => name.startsWith(kind)).sort();
const classifiers = named('classifier');
const refiners = named('refiner');
const lms = named('next-token');
say(
  `roundtable demo — ${generated.manifest.models.length} generated models in .cache/models (${generated.written.length} written now)`,
);

const runtime = await Roundtable.create();
const spawned = [...files].map(([name, path]) => runtime.spawnModel(name, { model: path }));
// Mixture of agents needs proposers that read every output of the layer before (k = 2).
const proposers = [100, 101, 102, 103, 104].map((seed) => proposer({ seed, previous: 2 }));
for (const p of proposers) {
  spawned.push(runtime.spawnModel(p.description.name, { model: p.bytes }));
}
await Promise.all(spawned);
const random = new SeededRandom(2026);
const floats = (n: number) => random.fillNormal(new Float32Array(n), 1);

// ── ensemble ──────────────────────────────────────────────────────────────────────────────
heading('ensemble: 3 classifiers, weighted mean of probabilities');
const batch = 4096;
const features = floats(batch * 64);
const ensemblePlan = ensemble({
  name: 'classify',
  models: classifiers,
  input: 'features',
  output: 'logits',
  fusion: { strategy: 'mean', kind: 'logits', weights: [0.5, 0.3, 0.2] },
});
const ensembleFeeds = {
  features: { dtype: 'float32' as const, dims: [batch, 64], data: features },
};
const ensembleResult = await runtime.run(ensemblePlan, ensembleFeeds);
const fused = ensembleResult.outputs.fused!.data as Float32Array;
const top = (row: number) => {
  let best = 0;
  for (let j = 1; j < 10; j++) if (fused[row * 10 + j]! > fused[row * 10 + best]!) best = j;
  return `class ${best} (p=${fused[row * 10 + best]!.toFixed(3)})`;
};
say(`first rows of ${batch}: ${[0, 1, 2, 3].map(top).join(', ')}`);
say(traceTable(ensembleResult.trace));

// ── refine ────────────────────────────────────────────────────────────────────────────────
heading('refine: a cascade of 3 refiners, stopping at confidence 0.9');
const source = floats(64 * 64);
const draft = new Float32Array(64 * 64);
const refinePlan = refine({ name: 'polish', models: refiners, threshold: 0.9 });
const refineFeeds = {
  source: { dtype: 'float32' as const, dims: [64, 64], data: source },
  previous: { dtype: 'float32' as const, dims: [64, 64], data: draft },
};
const refineResult = await runtime.run(refinePlan, refineFeeds);
const confidence = refineResult.outputs.confidence!.data as Float32Array;
say(
  `ran ${refineResult.trace.rounds.length} of ${refiners.length} rounds; lowest row confidence ${Math.min(...confidence).toFixed(3)}`,
);
say(traceTable(refineResult.trace));

// ── layers ────────────────────────────────────────────────────────────────────────────────
heading('layers: 2 layers of 2 proposers, then an aggregator (mixture of agents)');
const [p0, p1, p2, p3, aggregator] = proposers.map((p) => p.description.name) as [
  string,
  string,
  string,
  string,
  string,
];
const layersPlan = layers({
  name: 'agents',
  layers: [
    [p0, p1],
    [p2, p3],
  ],
  aggregator,
  previousInputs: ['previous_0', 'previous_1'],
});
const layersResult = await runtime.run(layersPlan, refineFeeds);
say(
  `aggregated output [${layersResult.outputs.aggregated!.dims.join(', ')}], first values ${Array.from((layersResult.outputs.aggregated!.data as Float32Array).slice(0, 4), (v) => v.toFixed(3)).join(', ')}`,
);
say(traceTable(layersResult.trace));

// ── decode ────────────────────────────────────────────────────────────────────────────────
heading('decode: ensemble decoding of 3 next-token models (log-linear), greedy and beam');
const prompt = [17, 923, 2048];
const decodeBase = {
  name: 'generate',
  models: lms.map((actor) => ({ actor })),
  fusion: { strategy: 'log-linear' as const },
  context: 8,
  endToken: 1,
  padToken: PAD_TOKEN,
  maxLength: 12,
};
const greedy = await runtime.decode(decode({ ...decodeBase, search: { type: 'greedy' } }), prompt);
const beam = await runtime.decode(
  decode({ ...decodeBase, search: { type: 'beam', beamWidth: 4, lengthPenalty: 1 } }),
  prompt,
);
say(`prompt ${JSON.stringify(prompt)}`);
say(`greedy → ${JSON.stringify(greedy.tokens)} (log p = ${greedy.logprob.toFixed(2)})`);
say(`beam 4 → ${JSON.stringify(beam.tokens)} (log p = ${beam.logprob.toFixed(2)})`);
say(traceTable({ ...greedy.trace, rounds: greedy.trace.rounds.slice(0, 2) }));
say(`  … ${greedy.trace.rounds.length} rounds in all, one per token`);

heading('arena');
const stats = runtime.arena.stats();
say(
  `bytes in use ${stats.bytesInUse}, high-water mark ${(stats.highWaterBytes / 1024).toFixed(0)} KiB in ${stats.slabCount} slab(s), ${stats.allocations} allocations, ${stats.releases} releases`,
);
let copiedIn = 0;
let copiedOut = 0;
for (const name of files.keys()) {
  const actorStats = (
    runtime.actor(name) as unknown as { stats(): { copiedIn: number; copiedOut: number } }
  ).stats();
  copiedIn += actorStats.copiedIn;
  copiedOut += actorStats.copiedOut;
}
say(
  `copied at the ONNX Runtime boundary: ${(copiedIn / 2 ** 20).toFixed(1)} MiB in, ${(copiedOut / 2 ** 20).toFixed(1)} MiB out (a model hop's only copies; SIMD fusion copies chunks into WebAssembly memory)`,
);

await runtime.close();

say(
  '\nThe models above run in well under a millisecond each. Sending one to a worker thread and ' +
    'back costs tens of microseconds and a wake-up, so on models this small a service that has ' +
    'nothing else to do is faster calling them on its own thread. Workers pay off when models ' +
    'take milliseconds and the service has other requests to answer meanwhile:',
);
heading('a service under load: an ensemble of 2 models of ~5 ms each');
await serviceTable(say);
