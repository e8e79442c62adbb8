import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { startRuntime } from './support/runtime.js';

describe('a model ONNX Runtime refuses gets a typed error when the actor starts', () => {
  it('a file that is not a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-'));
    const path = join(dir, 'notes.onnx');
    writeFileSync(path, 'this is not a model\n');
    const runtime = await startRuntime();
    const spawn = runtime.spawnModel('bad', { model: path });
    await expect(spawn).rejects.toThrow(ModelLoadError);
    await expect(runtime.spawnModel('bad2', { model: path })).rejects.toThrow(
      /actor "bad2": ONNX Runtime could not load the model \(.*notes\.onnx\): .+/,
    );
  });

  it('a truncated model', async () => {
    const bytes = classifier({ seed: 1 }).bytes;
    const runtime = await startRuntime();
    await expect(
      runtime.spawnModel('cut', { model: bytes.subarray(0, Math.floor(bytes.length / 2)) }),
    ).rejects.toThrow(ModelLoadError);
  });

  it('a missing file', async () => {
    const runtime = await startRuntime();
    await expect(runtime.spawnModel('gone', { model: 'no/such/model.onnx' })).rejects.toThrow(
      ModelLoadError,
    );
  });

  it('leaves the runtime usable and the name free', async () => {
    const runtime = await startRuntime();
    await expect(runtime.spawnModel('m', { model: new Uint8Array([1, 2, 3]) })).rejects.toThrow(
      ModelLoadError,
    );
    const actor = await runtime.spawnModel('m', {
      model: classifier({ seed: 1, inputSize: 4, classes: 2 }).bytes,
    });
    const out = await actor.run({
      features: { dtype: 'float32', dims: [1, 4], data: new Float32Array(4) },
    });
    expect(out.logits?.dims).toEqual([1, 2]);
  });
});
