import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import * as args from '../../actor/arguments.js';
import { PlanError } from '../../errors.js';
import { canonicalTag } from '../tm/index.js';
import { CASCADE_SIGNALS, type CascadeScorer, scorerNeedsQe } from './cascade-signals.js';
import { TRANSLATION_METHODS, type TranslationMethod } from './translator.js';

/**
 * A translation plan file: one language pair, its tokenizer, its engines (ONNX next-token models
 * reading `[<hint> …] <s> source <sep> target…` windows), how they collaborate, and optionally a
 * QE model and translation-memory settings. Paths are relative to the file.
 *
 * A routes file maps language pairs to translation plans, so that one `--plan` serves several
 * pairs. docs/translation.md shows both.
 */
export interface TranslationPlan {
  readonly kind: 'translation';
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly tokenizer: TokenizerSpec;
  /** Vocabulary entries of the prompt's control tokens; default `<sep>` and `<hint>`. */
  readonly prompt?: { readonly sep?: string; readonly hint?: string };
  /** Best first: `single` uses the first. */
  readonly engines: readonly EngineSpec[];
  /** The engines' window width. */
  readonly context: number;
  /** Tokens generated at most per segment. */
  readonly maxLength: number;
  /** Default 4; 1 is greedy search. */
  readonly beamWidth?: number;
  readonly lengthPenalty?: number;
  readonly method: TranslationMethod;
  readonly qe?: {
    readonly model: string;
    readonly temperature?: number;
    /** QE (mean log-probability per token) at which refinement stops. */
    readonly threshold?: number;
  };
  /** What the `cascade` method runs (needed by it). */
  readonly cascade?: CascadeSpec;
  readonly tm?: {
    /** Lowest fuzzy score used as a hint; default 75. */
    readonly min?: number;
    /** Fusion weight of the hint actor carrying a fuzzy match; default 0.1. 0 ignores fuzzy matches. */
    readonly hintWeight?: number;
    /** With `--store`: keep translations whose QE is at least this; default the QE threshold. */
    readonly storeAtLeast?: number;
  };
}

/**
 * A cascade: engines (names from `engines`) cheapest first; a segment stops at the first whose
 * translation the scorer rates at least that stage's threshold. The thresholds are given, one per
 * engine but the last, or read from a file `roundtable learn --cascade` wrote for these engines.
 */
export interface CascadeSpec {
  readonly engines: readonly string[];
  /** Default `qe` (needs the plan's `qe`). */
  readonly scorer?: CascadeScorer;
  readonly thresholds?: readonly number[];
  readonly thresholdsFile?: string;
}

export type TokenizerSpec =
  /** The built-in word tokenizer over a vocabulary file (WordVocabulary JSON). */
  | { readonly type: 'word'; readonly vocabulary: string }
  /**
   * A tokenizer of the user's: a module whose export (default `createTokenizer`) is called with
   * `options` and returns a Tokenizer (or a promise of one), e.g. a SentencePiece adapter.
   */
  | {
      readonly type: 'module';
      readonly module: string;
      readonly export?: string;
      readonly options?: unknown;
    };

export interface EngineSpec {
  /** The actor's name. */
  readonly name: string;
  readonly model: string;
  /** Log-linear fusion weight; default 1 (weights are normalised). */
  readonly weight?: number;
  /** Default 1. */
  readonly temperature?: number;
}

export interface RoutesFile {
  readonly kind: 'routes';
  readonly routes: readonly { readonly from: string; readonly to: string; readonly plan: string }[];
}

const name = z.string().min(1);
const languageTag = name.refine(
  (tag) => {
    try {
      canonicalTag(tag);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a BCP 47 language tag, e.g. "en-US"' },
);

const translationPlan = z.strictObject({
  kind: z.literal('translation'),
  name,
  from: languageTag,
  to: languageTag,
  tokenizer: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('word'), vocabulary: name }),
    z.strictObject({
      type: z.literal('module'),
      module: name,
      export: name.optional(),
      options: z.unknown().optional(),
    }),
  ]),
  prompt: z.strictObject({ sep: name.optional(), hint: name.optional() }).optional(),
  engines: z
    .array(
      z.strictObject({
        name,
        model: name,
        weight: z.number().nonnegative().optional(),
        temperature: z.number().positive().optional(),
      }),
    )
    .min(1),
  context: z.number().int().positive(),
  maxLength: z.number().int().positive(),
  beamWidth: z.number().int().positive().optional(),
  lengthPenalty: z.number().nonnegative().optional(),
  method: z
    .string()
    .refine((m) => TRANSLATION_METHODS.includes(m as TranslationMethod) || /^engine:\d+$/.test(m), {
      message: `expected one of ${TRANSLATION_METHODS.join(', ')} or engine:<k>`,
    }),
  qe: z
    .strictObject({
      model: name,
      temperature: z.number().positive().optional(),
      threshold: z.number().optional(),
    })
    .optional(),
  cascade: z
    .strictObject({
      engines: z.array(name).min(2),
      scorer: z
        .union([
          z.enum(CASCADE_SIGNALS),
          z.strictObject({
            linear: z.partialRecord(z.enum(CASCADE_SIGNALS), z.number()),
            bias: z.number().optional(),
          }),
        ])
        .optional(),
      thresholds: z.array(z.number()).optional(),
      thresholdsFile: name.optional(),
    })
    .refine((c) => (c.thresholds === undefined) !== (c.thresholdsFile === undefined), {
      message: 'give either "thresholds" (one per engine but the last) or "thresholdsFile"',
    })
    .refine((c) => c.thresholds === undefined || c.thresholds.length === c.engines.length - 1, {
      message: 'expected one threshold per engine but the last',
      path: ['thresholds'],
    })
    .optional(),
  tm: z
    .strictObject({
      min: z.number().min(0).max(100).optional(),
      hintWeight: z.number().min(0).max(1).optional(),
      storeAtLeast: z.number().optional(),
    })
    .optional(),
});

const routesFile = z.strictObject({
  kind: z.literal('routes'),
  routes: z.array(z.strictObject({ from: languageTag, to: languageTag, plan: name })).min(1),
});

const planFile = z.discriminatedUnion('kind', [translationPlan, routesFile]);

/** A translation plan with every path made absolute, and where it came from. */
export interface LoadedTranslationPlan {
  readonly plan: TranslationPlan;
  /** The plan file. */
  readonly file: string;
  /** Resolves a path of the plan against the plan file's folder. */
  readonly resolve: (path: string) => string;
}

/**
 * Reads `--plan`: a translation plan, or a routes file whose route for `from`→`to` names one.
 * Language tags compare canonically (`EN_us` is `en-US`). PlanError when the file is not valid,
 * or when no route or plan serves the pair.
 */
export async function loadTranslationPlan(
  file: string,
  from: string,
  to: string,
): Promise<LoadedTranslationPlan> {
  args.name('loadTranslationPlan', 'file', file);
  const wanted = { from: canonicalTag(from, 'from'), to: canonicalTag(to, 'to') };
  const value = await readPlanJson(file);
  if (value.kind === 'routes') {
    const route = value.routes.find(
      (r) => canonicalTag(r.from) === wanted.from && canonicalTag(r.to) === wanted.to,
    );
    if (!route) {
      const pairs = value.routes.map((r) => `${r.from}→${r.to}`).join(', ');
      throw new PlanError(
        `routes file ${file} has no route for ${wanted.from}→${wanted.to}; it routes ${pairs}`,
      );
    }
    const target = resolve(dirname(file), route.plan);
    const routed = await readPlanJson(target);
    if (routed.kind !== 'translation')
      throw new PlanError(
        `routes file ${file}: route ${route.from}→${route.to} names ${target}, which is not a translation plan`,
      );
    return checkPair(routed, target, wanted);
  }
  return checkPair(value, file, wanted);
}

function checkPair(
  plan: TranslationPlan,
  file: string,
  wanted: { readonly from: string; readonly to: string },
): LoadedTranslationPlan {
  const pair = { from: canonicalTag(plan.from), to: canonicalTag(plan.to) };
  if (pair.from !== wanted.from || pair.to !== wanted.to)
    throw new PlanError(
      `translation plan ${file} translates ${pair.from}→${pair.to}, not ${wanted.from}→${wanted.to}`,
    );
  checkCascade(plan, file);
  const base = dirname(file);
  return { plan, file, resolve: (path) => resolve(base, path) };
}

/** What the schema cannot see: a cascade's engines are the plan's, and its scorer has what it reads. */
function checkCascade(plan: TranslationPlan, file: string): void {
  const cascade = plan.cascade;
  if (!cascade) {
    if (plan.method === 'cascade')
      throw new PlanError(`translation plan ${file}: method "cascade" needs a "cascade" entry`);
    return;
  }
  const names = plan.engines.map((e) => e.name);
  cascade.engines.forEach((engine, i) => {
    if (!names.includes(engine))
      throw new PlanError(
        `translation plan ${file}: cascade.engines[${i}] is "${engine}", not one of the plan's engines (${names.join(', ')})`,
      );
  });
  if (new Set(cascade.engines).size !== cascade.engines.length)
    throw new PlanError(
      `translation plan ${file}: cascade.engines names an engine twice (${cascade.engines.join(', ')})`,
    );
  // Without a scorer of its own, a cascade reading a thresholds file takes the file's scorer:
  // checked once the file is read (translation-service.ts).
  const scorer = cascade.scorer ?? (cascade.thresholdsFile === undefined ? 'qe' : undefined);
  if (scorer !== undefined && scorerNeedsQe(scorer) && !plan.qe)
    throw new PlanError(
      `translation plan ${file}: cascade.scorer reads QE, and the plan has no "qe" model`,
    );
}

async function readPlanJson(file: string): Promise<TranslationPlan | RoutesFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanError(`cannot read translation plan ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`translation plan ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = planFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PlanError(
      `${file} is not a translation plan nor a routes file:\n${problems.join('\n')}`,
    );
  }
  return parsed.data as TranslationPlan | RoutesFile;
}
