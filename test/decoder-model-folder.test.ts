import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder } from '../src/engines/decoder/model-folder.js';
import { ModelFolderError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-folder-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('model folders as published', () => {
  it('reads the onnxruntime-genai GPT-2 folder: its decoder, cache names and special tokens', () => {
    const read = readModelFolder(GPT2_DIR);
    expect(read).toMatchObject({
      layout: 'genai',
      pastTemplate: 'past_%d',
      presentTemplate: 'present_%d',
      bos: 98,
      eos: [98],
      pad: 98,
      vocabSize: 1000,
      contextLength: 512,
    });
    expect(read.decoder.endsWith('past.onnx')).toBe(true);
    expect(read.tokenizer?.endsWith('tokenizer.json')).toBe(true);
  });

  it('says which file or name a folder misses', async () => {
    expect(() => readModelFolder(join(tmpdir(), 'no-such-roundtable-folder'))).toThrow(
      /does not exist/,
    );
    expect(() => readModelFolder(folder({ 'model.onnx': '' }))).toThrow(
      /neither genai_config.json .* nor config.json/,
    );
    expect(() =>
      readModelFolder(
        folder({
          'genai_config.json': JSON.stringify({ model: { decoder: { filename: 'x.onnx' } } }),
        }),
      ),
    ).toThrow(/x.onnx missing/);
    expect(() => readModelFolder(folder({ 'config.json': '{}' }))).toThrow(
      /no decoder_model_merged.onnx, nor decoder_with_past_model.onnx/,
    );
    expect(() =>
      readModelFolder(folder({ 'config.json': '{}', 'decoder_with_past_model.onnx': '' })),
    ).toThrow(/decoder_model.onnx missing/);
    expect(() => readModelFolder(folder({ 'config.json': '{' }))).toThrow(ModelFolderError);

    // A folder whose model is no decoder: refused at spawn, naming the input it lacks.
    const notDecoder = folder({
      'genai_config.json': JSON.stringify({ model: { decoder: { filename: 'model.onnx' } } }),
      'model.onnx': classifier({ seed: 1, inputSize: 4, hidden: 8, classes: 3 }).bytes,
    });
    const runtime = await startRuntime();
    await expect(runtime.spawnDecoder('odd', { folder: notDecoder })).rejects.toThrow(
      /no input "input_ids"/,
    );
  });
});
