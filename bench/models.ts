import { GraphBuilder } from '../src/onnx/index.js';

/**
 * A model that does nothing: `input` float32 [batch, width] → `output`, the same values
 * (Identity). Its session.run is the floor of what ONNX Runtime costs, so an actor running it
 * shows the runtime's own dispatch path.
 */
export function identityModel(width: number): Uint8Array {
  return new GraphBuilder(`identity-w${width}`)
    .input('input', 'float32', ['batch', width])
    .output('output', 'float32', ['batch', width])
    .node('Identity', ['input'], ['output'])
    .toBytes();
}

/**
 * The session options of a model actor's replica, given to the sessions a benchmark runs on the
 * calling thread too, so that both sides of a comparison run ONNX Runtime alike.
 */
export const ONE_THREAD = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
} as const;

/** The classifier of issue 12's ask measurements: 64 features → 64 hidden → 10 classes. */
export const ASK_CLASSIFIER = {
  seed: 31,
  inputSize: 64,
  hidden: 64,
  classes: 10,
  layers: 1,
} as const;

export { seededFloats } from '../test/support/seeded-floats.js';
