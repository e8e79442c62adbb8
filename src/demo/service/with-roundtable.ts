/** The service with roundtable embedded: the models run as actors, the ensemble as a plan. */
import { ensemble } from '../../plans/builders.js';
import { Roundtable } from '../../runtime/roundtable.js';
import { argmax, serve, serviceModels } from './service-app.js';

const { models, input, dims } = serviceModels();
const runtime = await Roundtable.create();
await Promise.all(
  models.map((bytes, k) =>
    runtime.spawnModel(`m${k}`, { model: bytes, mailbox: { capacity: 256, overflow: 'wait' } }),
  ),
);
const plan = ensemble({
  name: 'service',
  models: models.map((_, k) => `m${k}`),
  input: 'input',
  output: 'output',
  fusion: { strategy: 'mean', kind: 'values' },
});

await serve(
  async () => {
    const result = await runtime.run(plan, { input: { dtype: 'float32', dims, data: input } });
    return argmax(result.outputs.fused!.data as Float32Array);
  },
  () => runtime.close(),
);
