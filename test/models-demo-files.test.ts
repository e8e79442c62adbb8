import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoModels, readModelManifest } from '../src/models/index.js';
import { readModelSummary } from '../src/onnx/index.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-models-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('demo model set on disk', () => {
  it('writes 3 classifiers, 3 next-token models and 3 refiners that load, with a manifest', async () => {
    const dir = await freshDir();
    const { manifest, written } = await generateDemoModels(dir, { seedBase: 10 });
    expect(manifest.models.map((m) => m.file)).toEqual([
      'classifier-s10.onnx',
      'classifier-s11.onnx',
      'classifier-s12.onnx',
      'next-token-s10.onnx',
      'next-token-s11.onnx',
      'next-token-s12.onnx',
      'refiner-s10.onnx',
      'refiner-s11.onnx',
      'refiner-s12.onnx',
    ]);
    expect(written).toEqual([...manifest.models.map((m) => m.file), 'manifest.json']);
    expect(await readModelManifest(dir)).toEqual(manifest);

    for (const entry of manifest.models) {
      const bytes = await readFile(join(dir, entry.file));
      expect(entry.byteLength).toBe(bytes.byteLength);
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(readModelSummary(bytes).metadata.get('roundtable.kind')).toBe(entry.description.kind);
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(entry.description.inputs.map((i) => i.name));
      expect(session.outputNames).toEqual(entry.description.outputs.map((o) => o.name));
      await session.release();
    }
  });

  it('leaves files with the right content alone and rewrites only the ones that changed', async () => {
    const dir = await freshDir();
    await generateDemoModels(dir);
    const again = await generateDemoModels(dir);
    expect(again.written).toEqual([]);

    await writeFile(join(dir, 'refiner-s1.onnx'), new Uint8Array([1, 2, 3]));
    const repaired = await generateDemoModels(dir);
    expect(repaired.written).toEqual(['refiner-s1.onnx']);
    const entry = repaired.manifest.models.find((m) => m.file === 'refiner-s1.onnx')!;
    const bytes = await readFile(join(dir, 'refiner-s1.onnx'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
  });
});
