import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The special token ids a folder declares; a model may lack some (GPT-2 has no pad token). */
export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
  readonly unk?: number;
}

type Role = keyof SpecialTokenIds;
const ROLES: readonly Role[] = ['bos', 'eos', 'pad', 'unk'];

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** An id field, or the first of a list (`eos_token_id: [2, 32000]`, as some configs have it). */
function idOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (Array.isArray(value)) return idOf(value[0]);
  return undefined;
}

/** A token's text in tokenizer_config.json: a string, or an AddedToken object `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'content' in value) {
    const content = (value as { content: unknown }).content;
    return typeof content === 'string' ? content : undefined;
  }
  return undefined;
}

/**
 * The special ids of a folder. The model's own configs win (`genai_config.json`'s `model`, then
 * `config.json`, then `generation_config.json`): they say which ids the model was trained to
 * start and end with. `tokenizer_config.json` names tokens by text, looked up in the vocabulary,
 * for what they leave out.
 */
export function readSpecialTokens(
  dir: string,
  lookup: (token: string) => number | undefined,
): SpecialTokenIds {
  const genai = readJson(join(dir, 'genai_config.json'))?.model as
    | Record<string, unknown>
    | undefined;
  const sources = [
    genai,
    readJson(join(dir, 'config.json')),
    readJson(join(dir, 'generation_config.json')),
  ];
  const tokenizerConfig = readJson(join(dir, 'tokenizer_config.json'));
  const ids: { -readonly [R in Role]?: number } = {};
  for (const role of ROLES) {
    for (const source of sources) {
      const id = idOf(source?.[`${role}_token_id`]);
      if (id !== undefined) {
        ids[role] = id;
        break;
      }
    }
    if (ids[role] === undefined && tokenizerConfig !== undefined) {
      const text = tokenText(tokenizerConfig[`${role}_token`]);
      const id = text === undefined ? undefined : lookup(text);
      if (id !== undefined) ids[role] = id;
    }
  }
  return ids;
}
