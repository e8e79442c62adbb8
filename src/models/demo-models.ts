import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classifier } from './classifier.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import { outOfRange, requireDir, requireOptions } from './model-options.js';
import { nextTokenModel } from './next-token-model.js';
import { refiner } from './refiner.js';

/** Where the demo and the examples keep generated models, relative to the repository root. */
export const DEFAULT_MODEL_CACHE = '.cache/models';

/** How many models of each kind the demo set holds. */
export const DEMO_MODELS_PER_KIND = 3;

export interface ModelManifestEntry {
  /** File name inside the manifest's folder. */
  readonly file: string;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly byteLength: number;
  readonly description: ModelDescription;
}

export interface ModelManifest {
  readonly version: 1;
  readonly producer: 'roundtable';
  readonly seedBase: number;
  readonly models: readonly ModelManifestEntry[];
}

export interface GeneratedModels {
  readonly dir: string;
  readonly manifest: ModelManifest;
  /** Files written by this call; the others were already there with the same content. */
  readonly written: readonly string[];
}

export interface GenerateDemoModelsOptions {
  /** Seeds are seedBase, seedBase + 1, … within each kind; 0 unless told. */
  readonly seedBase?: number;
}

/**
 * Writes the demo set (3 classifiers, 3 next-token models, 3 refiners, default shapes) into `dir`
 * as `.onnx` files with a `manifest.json`. Models are rebuilt from their seeds on every call,
 * which takes milliseconds, but a file is rewritten only when its bytes differ from what is on
 * disk, so repeated runs leave the folder untouched. Each file is written to a temporary name
 * and renamed, so a process reading the folder meanwhile never sees half a model.
 */
export async function generateDemoModels(
  dir: string,
  options: GenerateDemoModelsOptions = {},
): Promise<GeneratedModels> {
  dir = requireDir(dir);
  options = requireOptions(options);
  const seedBase = options.seedBase ?? 0;
  if (!Number.isSafeInteger(seedBase)) {
    outOfRange('seedBase', `seedBase must be a safe integer, got ${seedBase}`);
  }
  await mkdir(dir, { recursive: true });
  const models: BuiltModel[] = [];
  for (let k = 0; k < DEMO_MODELS_PER_KIND; k++) {
    const seed = seedBase + k;
    models.push(classifier({ seed }), nextTokenModel({ seed }), refiner({ seed }));
  }
  models.sort((a, b) => a.description.kind.localeCompare(b.description.kind));

  const written: string[] = [];
  const entries: ModelManifestEntry[] = [];
  for (const model of models) {
    const file = `${model.description.name}.onnx`;
    const sha256 = await writeIfChanged(join(dir, file), model.bytes, written, file);
    entries.push({
      file,
      sha256,
      byteLength: model.bytes.byteLength,
      description: model.description,
    });
  }
  const manifest: ModelManifest = { version: 1, producer: 'roundtable', seedBase, models: entries };
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  await writeIfChanged(join(dir, 'manifest.json'), manifestBytes, written, 'manifest.json');
  return { dir, manifest, written };
}

/** Reads a manifest written by {@link generateDemoModels}. */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const text = await readFile(join(dir, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(text) as ModelManifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.models)) {
    throw new TypeError(
      `${join(dir, 'manifest.json')} is not a roundtable model manifest (version 1)`,
    );
  }
  return manifest;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeIfChanged(
  path: string,
  bytes: Uint8Array,
  written: string[],
  label: string,
): Promise<string> {
  const hash = sha256Of(bytes);
  const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined && sha256Of(existing) === hash) return hash;
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
  written.push(label);
  return hash;
}
