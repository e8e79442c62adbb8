import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The docs name only what exists: every repository path written in backticks in README.md and
 * docs/*.md (`src/...`, `test/...`, `docs/...`, `examples/...`, `bench/...`, `scripts/...`; a `*`
 * must match at least one file), every relative Markdown link, and every `file.md#section` link
 * (the section must be a heading of that file, as GitHub makes its anchors). A file moved or
 * renamed without its docs, or a section retitled, fails here.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const PATH = /`((?:src|test|docs|examples|bench|scripts)\/[^`\s]+)`/g;
const LINK = /\]\(([^)\s]+)\)/g;

/** Whether a repository path exists; a `*` in its last part matches any run of characters. */
function exists(path: string): boolean {
  const clean = path.replace(/[.,:;)]+$/, '');
  if (!clean.includes('*')) return existsSync(join(root, clean));
  const folder = join(root, dirname(clean));
  const name = new RegExp(
    `^${clean
      .split('/')
      .at(-1)!
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return existsSync(folder) && readdirSync(folder).some((f) => name.test(f));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, title] of markdown.matchAll(/^#{1,6}\s+(.+)$/gm))
    anchors.add(
      title!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  return anchors;
}

describe('the docs name only files and sections that exist', () => {
  for (const doc of docs) {
    it(doc, () => {
      const text = readFileSync(join(root, doc), 'utf8');
      const missing: string[] = [];
      for (const [, path] of text.matchAll(PATH)) if (!exists(path!)) missing.push(path!);
      for (const [, link] of text.matchAll(LINK)) {
        if (/^[a-z]+:/i.test(link!) || link!.startsWith('#')) continue;
        const [file, section] = link!.split('#');
        const target = relative(root, join(root, dirname(doc), file!));
        if (!existsSync(join(root, target))) {
          missing.push(link!);
          continue;
        }
        if (section && target.endsWith('.md')) {
          const anchors = anchorsOf(readFileSync(join(root, target), 'utf8'));
          if (!anchors.has(section)) missing.push(`${link} (no such section)`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
