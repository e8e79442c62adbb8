import type { Readable, Writable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { serializeError } from '../../errors.js';
import { writeSyntheticPair } from '../../mt/synthetic/write-synthetic-pair.js';
import { TranslationService } from '../../mt/translate/translation-service.js';
import {
  TRANSLATION_METHODS,
  type TranslationMethod,
} from '../../mt/translate/translator-types.js';
import {
  CliError,
  type CliFailure,
  cliAction,
  failureOf,
  parseNonNegativeInt,
  parsePositiveInt,
  usageError,
} from '../cli-error.js';
import { checkReadable, readInputLines } from '../input-files.js';

interface TranslateOptions {
  readonly plan: string;
  readonly from: string;
  readonly to: string;
  readonly tm?: string;
  readonly input?: string;
  readonly method?: TranslationMethod;
  readonly thresholds?: string;
  readonly store: boolean;
  readonly json: boolean;
  readonly concurrency: number;
}

function parseMethod(value: string): TranslationMethod {
  if (TRANSLATION_METHODS.includes(value as TranslationMethod) || /^engine:\d+$/.test(value))
    return value as TranslationMethod;
  throw new InvalidArgumentError(
    `expected one of ${TRANSLATION_METHODS.join(', ')} or engine:<k>, got ${JSON.stringify(value)}`,
  );
}

/**
 * `roundtable translate --plan <plan.json> --from <lang> --to <lang> [--tm <db>]`: translates
 * lines (stdin, or `--input`) to lines (stdout), one output line per input line in order; an
 * empty line stays empty. `--plan` is a translation plan or a routes file that picks the plan of
 * the pair. A line that fails becomes an empty line, its error goes to stderr, and the command
 * ends with an error counting the failed lines. Input that is not UTF-8 stops it at that line.
 *
 * `roundtable synthetic-pair --out <dir>`: writes the synthetic language pair (models, vocabulary,
 * tuned plan, routes, training TMX, held-out text) to try the command on.
 */
export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description('translate lines with the models of a translation plan, and a translation memory')
    .requiredOption(
      '--plan <file>',
      'translation plan, or routes file mapping language pairs to plans',
    )
    .requiredOption('--from <lang>', 'source language (BCP 47)')
    .requiredOption('--to <lang>', 'target language (BCP 47)')
    .option('--tm <db>', 'translation memory (SQLite file): exact matches answer, fuzzy ones hint')
    .option('--input <file>', 'read lines from this file instead of stdin')
    .option(
      '--method <method>',
      `override the plan's method: ${TRANSLATION_METHODS.join(', ')}, engine:<k>`,
      parseMethod,
    )
    .option(
      '--thresholds <file>',
      "cascade thresholds learnt by `roundtable learn --cascade`, replacing the plan's cascade thresholds",
    )
    .option(
      '--store',
      'store translations QE accepts in the memory (needs --tm and a QE model)',
      false,
    )
    .option('--json', 'one JSON object per line: source, target, method, origin, match, qe', false)
    .option('--concurrency <n>', 'lines in flight at once', parsePositiveInt, 4)
    .action(
      cliAction((options: TranslateOptions, command: Command) => translateLines(options, command)),
    );

  program
    .command('synthetic-pair')
    .description(
      'write the synthetic language pair (qsx→qtx): models, vocabulary, a tuned plan, TMX, held-out text',
    )
    .requiredOption('--out <dir>', 'folder to write into (created when missing)')
    .option('--seed <n>', 'seed of the language pair', parseNonNegativeInt, 1)
    .option('--method <method>', "the plan's method", parseMethod, 'ensemble')
    .action(
      cliAction(
        async (
          options: { out: string; seed: number; method: TranslationMethod },
          command: Command,
        ) => {
          const written = await writeSyntheticPair(options.out, {
            seed: options.seed,
            method: options.method,
          });
          const out =
            command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
          for (const file of written.files) out(`${file}\n`);
          out(`synthetic pair seed ${options.seed} written to ${options.out}\n`);
        },
      ),
    );
}

export async function translateLines(
  options: TranslateOptions,
  command: Command,
  io: { readonly input?: Readable; readonly output?: Writable } = {},
): Promise<void> {
  if (options.store && options.tm === undefined) throw usageError('--store needs --tm <db>');
  if (options.input !== undefined) checkReadable(options.input, 'input');
  if (options.thresholds !== undefined) checkReadable(options.thresholds, 'thresholds');
  const service = await TranslationService.open({
    plan: options.plan,
    from: options.from,
    to: options.to,
    ...(options.tm !== undefined ? { tm: options.tm } : {}),
    ...(options.method !== undefined ? { method: options.method } : {}),
    ...(options.thresholds !== undefined ? { thresholds: options.thresholds } : {}),
  });
  const input = io.input ?? options.input ?? process.stdin;
  const output = io.output ?? process.stdout;
  const writeErr =
    command.configureOutput().writeErr ?? ((text: string) => process.stderr.write(text));
  const counts = { lines: 0, exact: 0, fuzzy: 0, stored: 0, failed: 0 };
  // By line number: the exit code is the first failed line's, whichever finished first.
  const failures = new Map<number, CliFailure>();
  try {
    // Output in input order while up to `concurrency` lines are translated at once.
    const window: Promise<string>[] = [];
    const flush = async () => {
      const line = await window.shift()!;
      if (!output.write(line))
        await new Promise<void>((resolve) => output.once('drain', () => resolve()));
    };
    for await (const { text, number } of readInputLines(input, options.input ?? 'stdin')) {
      counts.lines++;
      window.push(translateLine(service, text, number, options, counts, failures, writeErr));
      if (window.length >= options.concurrency) await flush();
    }
    while (window.length > 0) await flush();
  } finally {
    await service.close();
  }
  writeErr(
    `${service.plan.plan.name} (${service.method}): ${counts.lines} lines, ${counts.exact} exact and ${counts.fuzzy} fuzzy ` +
      `memory matches, ${counts.stored} stored, ${counts.failed} failed\n`,
  );
  if (failures.size > 0)
    throw new CliError(
      failures.get(Math.min(...failures.keys()))!,
      `${counts.failed} of ${counts.lines} lines failed to translate (each is an empty output line; stderr says why)`,
    );
}

async function translateLine(
  service: TranslationService,
  line: string,
  at: number,
  options: TranslateOptions,
  counts: { exact: number; fuzzy: number; stored: number; failed: number },
  failures: Map<number, CliFailure>,
  writeErr: (text: string) => void,
): Promise<string> {
  if (line.trim() === '')
    return options.json ? `${JSON.stringify({ source: line, target: '' })}\n` : '\n';
  try {
    const t = await service.translate(line, { store: options.store });
    if (t.match?.kind === 'exact') counts.exact++;
    else if (t.match?.kind === 'fuzzy') counts.fuzzy++;
    if (t.stored) counts.stored++;
    if (!options.json) return `${t.text}\n`;
    return `${JSON.stringify({
      source: line,
      target: t.text,
      method: t.method,
      origin: t.origin,
      ...(t.match ? { match: t.match } : {}),
      ...(t.qe !== undefined ? { qe: t.qe } : {}),
      ...(t.stored !== undefined ? { stored: t.stored } : {}),
      ...(t.cascade
        ? {
            cascade: t.cascade.map((s) => ({
              engine: s.engine,
              score: Number.isFinite(s.score) ? s.score : null,
              decision: s.decision,
            })),
          }
        : {}),
    })}\n`;
  } catch (error) {
    counts.failed++;
    failures.set(at, failureOf(error));
    const shape = serializeError(error);
    writeErr(`line ${at}: ${shape.code}: ${shape.message}\n`);
    return options.json
      ? `${JSON.stringify({ source: line, error: { code: shape.code, message: shape.message } })}\n`
      : '\n';
  }
}
