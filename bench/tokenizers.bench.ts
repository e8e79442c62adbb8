/**
 * Which library runs a folder's tokenizer.json: exactness and speed of the pure-TypeScript
 * `@huggingface/tokenizers` beside Hugging Face's Rust bindings (npm `tokenizers`), on the GPT-2
 * tokenizer.json of the shared tiny-random-gpt2 folder.
 *
 * Exactness: ids of both libraries on seeded varied text (ASCII words, accents, CJK, Cyrillic,
 * Greek, emoji with skin tones and ZWJ, tabs, newlines, runs of spaces, special-token text), and
 * the round trip decode(encode(text)) === text. Speed: one encode of a sentence and of a 10 KB
 * text, and one decode, per library (tinybench means).
 *
 * The Rust bindings are not a dependency: `tokenizers@0.13.3` installs without its native binary
 * on Linux x64 (its `tokenizers-linux-x64-gnu` is published only as 0.13.4-rc2). Install both
 * by hand to compare; without them the bench measures the TypeScript library alone.
 *
 * Run: npx tsx bench/tokenizers.bench.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Tokenizer } from '../src/tokenizer/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

const FOLDER = fileURLToPath(new URL('../../shared/models/tiny-random-gpt2/', import.meta.url));

interface RustEncoding {
  getIds(): number[];
}
interface RustTokenizer {
  encode(text: string, pair: null): Promise<RustEncoding>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
}
interface RustModule {
  Tokenizer: { fromFile(path: string): RustTokenizer };
}

async function loadRust(): Promise<RustTokenizer | undefined> {
  const name = 'tokenizers';
  try {
    const module = (await import(name)) as RustModule & { default?: RustModule };
    const library = module.Tokenizer ? module : module.default;
    return library?.Tokenizer.fromFile(`${FOLDER}tokenizer.json`);
  } catch (error) {
    console.log(`Rust bindings not available (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

const PIECES = [
  'the',
  'model',
  'actor',
  'Hello',
  'world',
  "don't",
  "we'll",
  '3.14159',
  '-42',
  '1e-9',
  'café',
  'naïve',
  'Straße',
  'Ελληνικά',
  'русский',
  '日本語',
  'テキスト',
  '한국어',
  'مرحبا',
  '🤗',
  '🚀',
  '👍🏽',
  '👨‍👩‍👧',
  '∑',
  '→',
  '<|endoftext|>',
  'fn(x)',
  '{ x ** 2; }',
  '#tag',
];
const SPACES = [' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '   ', ''];

/** Seeded varied texts: pieces joined by varied whitespace, sometimes led or trailed by it. */
function corpus(count: number): string[] {
  const random = seededRandom(13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 1 + Math.floor(random() * 24) }, () => pick(PIECES));
    let text = words.map((w) => w + pick(SPACES)).join('');
    if (random() < 0.2) text = pick(SPACES) + text;
    return text;
  });
}

const typescript = Tokenizer.fromFolder(FOLDER);
const rust = await loadRust();
const texts = [
  ...JSON.parse(
    readFileSync(new URL('../test/fixtures/gpt2-tokenizer-golden.json', import.meta.url), 'utf8'),
  ).cases.map((c: { text: string }) => c.text),
  ...corpus(2000),
];

let roundTrips = 0;
let sameIds = 0;
const differences: string[] = [];
for (const text of texts) {
  const ids = typescript.encode(text);
  if (typescript.decode(ids, { skipSpecialTokens: false }) === text) roundTrips++;
  if (rust) {
    const reference = (await rust.encode(text, null)).getIds();
    if (reference.length === ids.length && reference.every((id, i) => id === ids[i])) sameIds++;
    else if (differences.length < 5) differences.push(JSON.stringify(text));
  }
}
console.log(`texts: ${texts.length}`);
console.log(`TypeScript round trips exact: ${roundTrips}/${texts.length}`);
if (rust) {
  console.log(`TypeScript ids equal to Rust ids: ${sameIds}/${texts.length}`);
  for (const text of differences) console.log(`  differs on ${text}`);
}

const sentence = 'The quick brown fox jumps over the lazy dog, café 🤗 — naïve 日本語.';
const long = corpus(400).join(' ');
const sentenceIds = typescript.encode(sentence);
const bench = new Bench({ time: 1000 });
bench
  .add('typescript encode sentence', () => {
    typescript.encode(sentence);
  })
  .add(`typescript encode ${(long.length / 1024).toFixed(0)} KB`, () => {
    typescript.encode(long);
  })
  .add('typescript decode sentence', () => {
    typescript.decode(sentenceIds);
  });
if (rust) {
  bench
    .add('rust encode sentence', async () => {
      await rust.encode(sentence, null);
    })
    .add(`rust encode ${(long.length / 1024).toFixed(0)} KB`, async () => {
      await rust.encode(long, null);
    })
    .add('rust decode sentence', async () => {
      await rust.decode(sentenceIds, true);
    });
}
await bench.run();
console.table(
  bench.tasks.map((task) => {
    const latency = task.result && 'latency' in task.result ? task.result.latency : undefined;
    return {
      task: task.name,
      'mean µs': latency ? (latency.mean * 1000).toFixed(1) : 'n/a',
      'p99 µs': latency?.p99 !== undefined ? (latency.p99 * 1000).toFixed(1) : 'n/a',
      'rme %': latency?.rme !== undefined ? latency.rme.toFixed(1) : 'n/a',
    };
  }),
);
