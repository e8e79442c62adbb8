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

/** Seeded float32 data in [-1, 1), the same on every run. */
export function seededFloats(seed: number, length: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}
