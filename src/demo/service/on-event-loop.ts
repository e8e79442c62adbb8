/** The service as a user writes it first: onnxruntime-node called on the service's event loop. */
import * as ort from 'onnxruntime-node';
import { argmax, serve, serviceModels } from './service-app.js';

const { models, input, dims } = serviceModels();
const options = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 } as const;
const sessions = await Promise.all(
  models.map((bytes) => ort.InferenceSession.create(bytes, options)),
);

await serve(
  async () => {
    const mean = new Float32Array(input.length);
    for (const session of sessions) {
      const result = await session.run({ input: new ort.Tensor('float32', input, dims) });
      const output = result.output!.data as Float32Array;
      for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + output[i]! / sessions.length;
    }
    return argmax(mean);
  },
  async () => {
    await Promise.all(sessions.map((s) => s.release()));
  },
);
