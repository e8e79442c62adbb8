import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { typeProgram } from './support/type-program.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);

/**
 * A plain Node program inside the package imports `roundtable/mt` by name: Node resolves a
 * package's own name through its `exports` (self-reference), so this is what an installed
 * package's user gets from the build (`npm test` builds first).
 */
const program = `
import { corpusChrf, TranslationMemory, TranslationService, Translator, QualityEstimator,
  mbrSelect, TmxParseError, TranslationError } from 'roundtable/mt';
import { RoundtableError } from 'roundtable';
const tm = TranslationMemory.open(':memory:');
tm.add({ from: 'en-US', to: 'fr-FR', source: 'Save changes?', target: 'Enregistrer ?' });
const [match] = tm.lookup('Save changes?', { from: 'en', to: 'fr', min: 75, limit: 1 });
tm.close();
console.log(JSON.stringify({
  classes: [TranslationService, Translator, QualityEstimator].map((c) => typeof c),
  mbr: typeof mbrSelect,
  chrf: corpusChrf(['the cat sat'], [['the cat sat']]).score,
  match: match && { score: match.score, target: match.target },
  errors: [TmxParseError, TranslationError].map((c) => c.prototype instanceof RoundtableError),
}));
`;

describe("import … from 'roundtable/mt' resolves from the built package", () => {
  it('runs the translation layer through the package name', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', program], {
      cwd: root,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      classes: ['function', 'function', 'function'],
      mbr: 'function',
      chrf: 100,
      match: { score: 100, target: 'Enregistrer ?' },
      errors: [true, true],
    });
  }, 90_000);

  it('ships the types beside it: a TypeScript consumer type-checks against dist/mt/index.d.ts', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    expect(pkg.exports['./mt']).toEqual({
      types: './dist/mt/index.d.ts',
      import: './dist/mt/index.js',
    });
    // Inside the package (git-ignored .cache/), so that the package's own name resolves.
    const dir = new URL('.cache/mt-entry/', root);
    mkdirSync(dir, { recursive: true });
    const consumer = fileURLToPath(new URL('consumer.ts', dir));
    writeFileSync(consumer, CONSUMER);
    const program = typeProgram([consumer]);
    const resolved = program.getSourceFiles().map((file) => file.fileName);
    expect(resolved).toContain(fileURLToPath(new URL('dist/mt/index.d.ts', root)));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });
});

/** Uses a value and a type of each area, so that a missing declaration is an error. */
const CONSUMER = `
import {
  type ChrfScore,
  corpusChrf,
  type MbrSelection,
  type QeScore,
  type TmMatch,
  type Translation,
  TranslationMemory,
  TranslationService,
  Translator,
} from 'roundtable/mt';
export const score: ChrfScore = corpusChrf(['a'], [['a']]);
export type Shapes = [MbrSelection, QeScore, TmMatch, Translation];
export const open: (path: string) => TranslationMemory = TranslationMemory.open;
export const classes = [TranslationService, Translator];
`;
