import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wordTokenizerConfig, wordTokenizerJson } from './word-tokenizer.js';

/**
 * The JSON files a model folder carries beside its ONNX graphs, as Optimum lays them out: the
 * model's `config.json` and `generation_config.json` (which differ by architecture) and the
 * word-level tokenizer over `vocab` (the same for every folder). Returns the files written.
 */
export async function writeFolderJson(
  dir: string,
  vocab: number,
  config: Record<string, unknown>,
  generation: Record<string, unknown>,
): Promise<string[]> {
  await writeJson(join(dir, 'config.json'), config);
  await writeJson(join(dir, 'generation_config.json'), generation);
  await writeJson(join(dir, 'tokenizer.json'), wordTokenizerJson(vocab));
  await writeJson(join(dir, 'tokenizer_config.json'), wordTokenizerConfig());
  return ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
