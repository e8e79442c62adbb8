/**
 * The worker of the hand-written variant: one onnxruntime-node session (one intra-op thread, as a
 * model actor's replica has); the input arrives by postMessage, the output goes back transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const port = parentPort!;
const { model } = workerData as { model: Uint8Array };
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
});

port.on(
  'message',
  async ({ id, data, dims }: { id: number; data: Float32Array; dims: number[] }) => {
    const result = await session.run({ input: new ort.Tensor('float32', data, dims) });
    const output = new Float32Array(result.output!.data as Float32Array);
    port.postMessage({ id, output }, [output.buffer]);
  },
);
port.postMessage('ready');
