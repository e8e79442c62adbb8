import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders of src/ in the order data flows, highest first (docs/architecture.md draws them). A
 * file may import from its own layer or from any layer below it, never from one above: the arena
 * knows nothing of actors, the actor core nothing of engines, engines nothing of plans. A folder of
 * src/ that is not listed here fails the test, so a new folder takes its place deliberately.
 */
const LAYERS: readonly (readonly string[])[] = [
  // Entry points: the package index, the command line and the programs run by npm scripts.
  ['index.ts', 'cli', 'demo', 'soak', 'conformance'],
  // Built on the runtime: the translation layer (roundtable/mt) and the servers.
  ['mt', 'serve'],
  // The public runtime: Roundtable, the class a service embeds.
  ['runtime'],
  // Learning from labelled sets: fusion weights and cascade thresholds, and applying them to plans.
  ['learn'],
  // Running plans: rounds, decoding, generation.
  ['plan-runner'],
  // Plans as data: types, builders, schema.
  ['plans'],
  // Actors by kind: ONNX models, custom modules, fusion, stateful decoders, remote models.
  ['engines'],
  // Metrics and the health report, over the actors' events and health.
  ['observability'],
  // What every actor shares: protocol, mailbox, worker guard, restart budget and strategies.
  ['actor'],
  // Formats and builders that sit on the arena's dtypes: ONNX files, the Open Inference
  // Protocol's tensors, tokenizers, generated models.
  ['models', 'onnx', 'oip', 'tokenizer'],
  // The arena: shared memory, descriptors, dtypes.
  ['tensor'],
  // Leaves every layer may use.
  ['util', 'errors.ts'],
];

const srcRoot = fileURLToPath(new URL('../src/', import.meta.url));

/** The layer of a path inside src/ (posix, e.g. 'engines/onnx/replica.ts'), or undefined. */
function layerOf(srcPath: string): number | undefined {
  // A file of src/ itself is named by its .js specifier in imports.
  const top = (srcPath.split('/')[0] ?? srcPath).replace(/\.js$/, '.ts');
  const index = LAYERS.findIndex((folders) => folders.includes(top));
  return index < 0 ? undefined : index;
}

// Static and dynamic imports, re-exports, vi.mock and worker files started by URL.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.mock\(\s*|\bnew URL\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g;

interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly reason: string;
}

/** Every import in one file of src/ that runs up the layers, or names a folder with no layer. */
function violations(file: string, text: string): Violation[] {
  const found: Violation[] = [];
  const own = layerOf(file);
  if (own === undefined) {
    return [{ file, specifier: '', reason: `src/${file.split('/')[0]} has no layer in LAYERS` }];
  }
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[2] ?? '';
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target.startsWith('../')) continue; // outside src/ (package.json)
    const theirs = layerOf(target);
    if (theirs === undefined) {
      found.push({ file, specifier, reason: `src/${target} is in no layer` });
    } else if (theirs < own) {
      const from = LAYERS[own]?.join(', ');
      const to = LAYERS[theirs]?.join(', ');
      found.push({ file, specifier, reason: `layer [${from}] imports the higher layer [${to}]` });
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture layers', () => {
  it('no file of src/ imports from a folder of a higher layer', () => {
    const files = sourceFiles(srcRoot);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => {
      const file = relative(srcRoot, path).split(sep).join('/');
      return violations(file, readFileSync(path, 'utf8'));
    });
    expect(found.map((v) => `src/${v.file}: '${v.specifier}': ${v.reason}`)).toEqual([]);
  });

  it('the check catches an import that runs up, and one into a folder with no layer', () => {
    const bad = [
      "import type { Plan } from '../plans/plan.js';",
      "const worker = new URL('../runtime/roundtable.js', import.meta.url);",
      "export { x } from '../nowhere/x.js';",
      "import { ok } from '../tensor/index.js';",
    ].join('\n');
    expect(violations('actor/example.ts', bad).map((v) => v.specifier)).toEqual([
      '../plans/plan.js',
      '../runtime/roundtable.js',
      '../nowhere/x.js',
    ]);
    expect(
      violations('engines/onnx/x.ts', "import '../../plan-runner/run-rounds.js';"),
    ).toHaveLength(1);
    expect(violations('elsewhere/x.ts', '')[0]?.reason).toMatch(/has no layer/);
  });
});
