import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { typeProgram } from './support/type-program.js';

/**
 * What the docs and examples import from the package exists under that name: every name in an
 * `import { … } from 'roundtable'` (or 'roundtable/mt', 'roundtable/models') of README.md,
 * docs/*.md and examples/*.ts is an export of that entry point (src/index.ts, src/mt/index.ts,
 * src/models/index.ts), types included. A doc that shows a class the package does not export
 * fails here.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const entries: Record<string, string> = {
  roundtable: 'src/index.ts',
  'roundtable/mt': 'src/mt/index.ts',
  'roundtable/models': 'src/models/index.ts',
};

const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `examples/${f}`),
];

const program = typeProgram(Object.values(entries).map((entry) => join(root, entry)));
const checker = program.getTypeChecker();

function exportsOf(entry: string): Set<string> {
  const module = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry))!)!;
  return new Set(checker.getExportsOfModule(module).map((symbol) => symbol.getName()));
}

const IMPORT = /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(roundtable(?:\/[a-z]+)?)'/g;

describe('the docs and examples import only what the package exports', () => {
  const exported = Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => [name, exportsOf(entry)]),
  );
  it('reads real exports', () => {
    expect(exported.roundtable!.has('Roundtable')).toBe(true);
    expect(exported['roundtable/mt']!.has('Translator')).toBe(true);
  });
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const missing: string[] = [];
      for (const [, names, entry] of text.matchAll(IMPORT)) {
        const known = exported[entry!];
        for (const part of names!.split(',')) {
          const name = part
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!;
          if (name === '') continue;
          if (!known?.has(name)) missing.push(`${name} from '${entry}'`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
