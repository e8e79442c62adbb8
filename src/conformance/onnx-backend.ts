import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../errors.js';
import { decodeTensorProto } from '../onnx/index.js';
import type { Roundtable } from '../runtime/roundtable.js';
import type { HostTensor, TensorDescriptor } from '../tensor/index.js';
import { compareTensors } from './compare.js';

/** One case of the ONNX backend test data: a model and one or more data sets. */
export interface ConformanceCase {
  /** `<set>/<case>`, as in manifest.tsv. */
  readonly id: string;
  readonly dir: string;
  /** What manifest.tsv says onnxruntime-node does on load: 'loads' or the refusal. */
  readonly expected: string | undefined;
}

export type CaseOutcome =
  | { readonly id: string; readonly status: 'passed'; readonly dataSets: number }
  | { readonly id: string; readonly status: 'unsupported'; readonly reason: string }
  | { readonly id: string; readonly status: 'failed'; readonly reason: string };

/** Lists the cases under the corpus folder, with what the manifest expects of each. */
export function listCases(root: string): ConformanceCase[] {
  const manifest = new Map<string, string>();
  const manifestPath = join(root, 'manifest.tsv');
  if (existsSync(manifestPath)) {
    for (const line of readFileSync(manifestPath, 'utf8').split('\n').slice(1)) {
      const [id, expected] = line.split('\t');
      if (id && expected) manifest.set(id, expected);
    }
  }
  const cases: ConformanceCase[] = [];
  for (const set of readdirSync(root, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const entry of readdirSync(join(root, set.name), { withFileTypes: true })) {
      const dir = join(root, set.name, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'model.onnx'))) continue;
      const id = `${set.name}/${entry.name}`;
      cases.push({ id, dir, expected: manifest.get(id) });
    }
  }
  return cases.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Runs one case through a model actor: the model is loaded on a worker, each data set's inputs
 * are written to the arena, the actor reads them from there, and the outputs are read back from
 * the arena and compared with the references.
 */
export async function runCase(
  runtime: Roundtable,
  testCase: ConformanceCase,
  timeoutMs = 60_000,
): Promise<CaseOutcome> {
  const { id } = testCase;
  let actor: Awaited<ReturnType<Roundtable['spawnModel']>>;
  try {
    actor = await runtime.spawnModel(id, {
      model: join(testCase.dir, 'model.onnx'),
      // The refusals are reported through the typed error; ONNX Runtime's own log would repeat them.
      sessionOptions: { logSeverityLevel: 4 },
    });
  } catch (error) {
    if (error instanceof ModelLoadError)
      return { id, status: 'unsupported', reason: error.message };
    return { id, status: 'failed', reason: `not a typed load error: ${String(error)}` };
  }
  const arena = runtime.arena;
  try {
    const dataSets = readdirSync(testCase.dir)
      .filter((name) => name.startsWith('test_data_set_'))
      .sort();
    for (const dataSet of dataSets) {
      const dir = join(testCase.dir, dataSet);
      const feeds: Record<string, TensorDescriptor> = {};
      try {
        for (let k = 0; existsSync(join(dir, `input_${k}.pb`)); k++) {
          const input = actor.inputs[k];
          if (!input)
            return {
              id,
              status: 'failed',
              reason: `${dataSet}: input_${k}.pb has no model input to bind to`,
            };
          const tensor = decodeTensorProto(readFileSync(join(dir, `input_${k}.pb`)));
          feeds[input.name] = arena.writeTensor(tensor.dtype, tensor.dims, tensor.data as never);
        }
        const result = await actor.runShared(feeds, { timeout: timeoutMs });
        try {
          for (let k = 0; existsSync(join(dir, `output_${k}.pb`)); k++) {
            const output = actor.outputs[k];
            const descriptor = output && result.outputs[output.name];
            if (!descriptor) return { id, status: 'failed', reason: `${dataSet}: no output ${k}` };
            const expected = decodeTensorProto(
              readFileSync(join(dir, `output_${k}.pb`)),
            ) as HostTensor;
            const mismatch = compareTensors(arena.readTensor(descriptor), expected);
            if (mismatch)
              return {
                id,
                status: 'failed',
                reason: `${dataSet} output "${output.name}": ${mismatch}`,
              };
          }
        } finally {
          for (const name in result.outputs) arena.release(result.outputs[name]!);
        }
      } finally {
        for (const name in feeds) arena.release(feeds[name]!);
      }
    }
    return { id, status: 'passed', dataSets: dataSets.length };
  } catch (error) {
    return {
      id,
      status: 'failed',
      reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  } finally {
    await actor.close(0);
  }
}
