import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ArgumentError } from '../../errors.js';
import {
  formatAnalysisTable,
  type ImportSummary,
  type TextSplit,
  TranslationMemory,
} from '../../mt/tm/index.js';
import { DEFAULT_MAX_TEXT_LENGTH } from '../../mt/tm/tmx-reader.js';
import { createProgress, formatBytes, type ProgressStream } from '../../util/progress.js';
import { cliAction, inputError, parsePositiveInt, usageError } from '../cli-error.js';
import { checkReadable, readUtf8File } from '../input-files.js';

export interface TmCommandOptions {
  /** Where the import progress bar goes; default `process.stderr` (drawn only on a terminal). */
  readonly progress?: ProgressStream;
}

interface DbOption {
  readonly db: string;
}

interface PairOptions extends DbOption {
  readonly from: string;
  readonly to: string;
}

function parseScore(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !(score >= 0 && score <= 100)) {
    throw new InvalidArgumentError(`expected a score from 0 to 100, got ${JSON.stringify(value)}`);
  }
  return score;
}

/**
 * `roundtable tm import|export|lookup|analyze|stats`: the translation memory from the command
 * line. Output goes through the command's `configureOutput().writeOut`, so a program configured
 * before `registerTm` is called captures it; errors end the command through `cliAction`.
 */
export function registerTm(program: Command, options: TmCommandOptions = {}): void {
  const tm = program
    .command('tm')
    .description('translation memory: import and export TMX, look up matches, analyse a text');

  tm.command('import')
    .description('import a TMX 1.4b file into a translation memory (created when missing)')
    .argument('<file>', 'TMX file')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .option('--batch-size <n>', 'segments per transaction', parsePositiveInt, 2000)
    .option(
      '--max-text-length <n>',
      'most characters of one segment, note or property; longer ones stop the import',
      parsePositiveInt,
      DEFAULT_MAX_TEXT_LENGTH,
    )
    .action(
      cliAction(
        async (
          file: string,
          opts: DbOption & { batchSize: number; maxTextLength: number },
          command: Command,
        ) => {
          checkReadable(file, 'TMX file');
          await withMemory(opts.db, true, async (memory) => {
            const progress = createProgress({
              label: `importing ${basename(file)}`,
              stream: options.progress ?? process.stderr,
              format: formatBytes,
              ...fileSize(file),
            });
            let summary: ImportSummary;
            try {
              summary = await memory.importTmx(file, {
                batchSize: opts.batchSize,
                maxTextLength: opts.maxTextLength,
                onProgress: (p) => progress.update(p.bytesRead),
              });
            } finally {
              progress.done();
            }
            write(command, importReport(file, summary));
          });
        },
      ),
    );

  tm.command('export')
    .description('export a translation memory (or one language pair of it) as TMX 1.4b')
    .argument('<out>', 'TMX file to write')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .option('--from <lang>', 'source language range (e.g. en, en-US)')
    .option('--to <lang>', 'target language range')
    .action(
      cliAction(
        async (out: string, opts: DbOption & { from?: string; to?: string }, command: Command) => {
          await withMemory(opts.db, false, async (memory) => {
            const filter = {
              ...(opts.from !== undefined ? { from: opts.from } : {}),
              ...(opts.to !== undefined ? { to: opts.to } : {}),
            };
            const summary = await memory.exportTmx(out, filter);
            write(
              command,
              `Exported ${summary.segments} segments to ${out} (srclang ${summary.srclang}, ${formatBytes(summary.bytes)})\n`,
            );
          });
        },
      ),
    );

  tm.command('lookup')
    .description('find exact and fuzzy matches for a source text, best first')
    .argument('<text>', 'source text')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .requiredOption('--from <lang>', 'source language range (e.g. en matches en-US and en-GB)')
    .requiredOption('--to <lang>', 'target language range')
    .option('--min <score>', 'lowest score shown', parseScore, 75)
    .option('--limit <n>', 'most matches shown', parsePositiveInt, 10)
    .option('--json', 'print a JSON array of {"source","target","score"}')
    .action(
      cliAction(
        async (
          text: string,
          opts: PairOptions & { min: number; limit: number; json?: boolean },
          command: Command,
        ) => {
          await withMemory(opts.db, false, async (memory) => {
            const matches = memory.lookup(text, {
              from: opts.from,
              to: opts.to,
              min: opts.min,
              limit: opts.limit,
            });
            if (opts.json) {
              const rows = matches.map(({ source, target, score }) => ({ source, target, score }));
              write(command, `${JSON.stringify(rows, null, 2)}\n`);
            } else if (matches.length === 0) {
              write(command, `No match of ${opts.min}% or more.\n`);
            } else {
              const lines = matches.map(
                (m) => `${String(m.score).padStart(3)}%  ${m.source}\n      ${m.target}\n`,
              );
              write(command, lines.join(''));
            }
          });
        },
      ),
    );

  tm.command('analyze')
    .description('count the segments and words of a text file by match band against the memory')
    .argument('<text-file>', 'UTF-8 text, one segment per line (or --split sentences)')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .requiredOption('--from <lang>', 'source language range')
    .requiredOption('--to <lang>', 'target language range')
    .addOption(
      new Option('--split <how>', 'how the text is cut into segments')
        .choices(['lines', 'sentences'])
        .default('lines'),
    )
    .option('--json', 'print the report as JSON')
    .action(
      cliAction(
        async (
          textFile: string,
          opts: PairOptions & { split: TextSplit; json?: boolean },
          command: Command,
        ) => {
          const text = readUtf8File(textFile, 'text file');
          await withMemory(opts.db, false, async (memory) => {
            const report = memory.analyze(text, opts.from, opts.to, { split: opts.split });
            write(
              command,
              opts.json
                ? `${JSON.stringify(report, null, 2)}\n`
                : `${formatAnalysisTable(report)}\n`,
            );
          });
        },
      ),
    );

  tm.command('stats')
    .description('segments per language pair, index size and file size')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .action(
      cliAction(async (opts: DbOption, command: Command) => {
        await withMemory(opts.db, false, async (memory) => {
          const stats = memory.stats();
          const lines = [
            `${stats.segments} segments, ${stats.terms} index terms, ${formatBytes(stats.bytes)}`,
            ...stats.pairs.map((p) => `  ${p.from} → ${p.to}  ${p.segments}`),
          ];
          write(command, `${lines.join('\n')}\n`);
        });
      }),
    );
}

/**
 * Opens the memory, runs `use` and closes it. A language tag or score the memory refuses
 * (ArgumentError, RangeError, TypeError) came from an option: a usage error.
 */
async function withMemory(
  db: string,
  create: boolean,
  use: (memory: TranslationMemory) => Promise<void>,
): Promise<void> {
  if (!create && db !== ':memory:' && !existsSync(db))
    throw inputError({ file: db }, 'no such translation memory (tm import creates one)');
  const memory = TranslationMemory.open(db);
  try {
    await use(memory);
  } catch (error) {
    if (error instanceof ArgumentError || error instanceof RangeError || error instanceof TypeError)
      throw usageError(error.message);
    throw error;
  } finally {
    memory.close();
  }
}

function write(command: Command, text: string): void {
  const out = command.configureOutput().writeOut;
  if (out) out(text);
  else process.stdout.write(text);
}

function fileSize(file: string): { total?: number } {
  try {
    return { total: statSync(file).size };
  } catch {
    return {}; // importTmx reports the missing file
  }
}

function importReport(file: string, summary: ImportSummary): string {
  const lines = [
    `Imported ${summary.imported} segments from ${basename(file)} ` +
      `(${summary.units} units, ${summary.duplicates} duplicates, ${summary.skipped} skipped)`,
  ];
  if (summary.pairs.length > 0) {
    lines.push('Language pairs:');
    for (const pair of summary.pairs) lines.push(`  ${pair.from} → ${pair.to}  ${pair.segments}`);
  }
  if (summary.issueCount > 0) {
    lines.push('Skipped:');
    for (const issue of summary.issues.slice(0, 10)) {
      lines.push(`  line ${issue.line}: ${issue.reason}`);
    }
    if (summary.issueCount > 10) lines.push(`  … and ${summary.issueCount - 10} more`);
  }
  return `${lines.join('\n')}\n`;
}
