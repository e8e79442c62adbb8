import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { RoundtableError } from '../../errors.js';
import {
  formatAnalysisTable,
  type ImportSummary,
  type TextSplit,
  TmDatabaseError,
  TranslationMemory,
} from '../../mt/tm/index.js';
import { createProgress, formatBytes, type ProgressStream } from '../progress.js';

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

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) {
    throw new InvalidArgumentError(
      `expected a positive whole number, got ${JSON.stringify(value)}`,
    );
  }
  return count;
}

/**
 * `roundtable tm import|export|lookup|analyze|stats`: the translation memory from the command
 * line. Output goes through the command's `configureOutput().writeOut`, so a program configured
 * before `registerTm` is called captures it; errors go through `command.error` with the error's
 * stable code.
 */
export function registerTm(program: Command, options: TmCommandOptions = {}): void {
  const tm = program
    .command('tm')
    .description('translation memory: import and export TMX, look up matches, analyse a text');

  tm.command('import')
    .description('import a TMX 1.4b file into a translation memory (created when missing)')
    .argument('<file>', 'TMX file')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .option('--batch-size <n>', 'segments per transaction', parseCount, 2000)
    .action(async (file: string, opts: DbOption & { batchSize: number }, command: Command) => {
      if (!existsSync(file)) {
        command.error(`error: TMX file ${file} does not exist`, {
          exitCode: 1,
          code: 'roundtable.tm.read',
        });
      }
      await withMemory(command, opts.db, true, async (memory) => {
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
            onProgress: (p) => progress.update(p.bytesRead),
          });
        } finally {
          progress.done();
        }
        write(command, importReport(file, summary));
      });
    });

  tm.command('export')
    .description('export a translation memory (or one language pair of it) as TMX 1.4b')
    .argument('<out>', 'TMX file to write')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .option('--from <lang>', 'source language range (e.g. en, en-US)')
    .option('--to <lang>', 'target language range')
    .action(
      async (out: string, opts: DbOption & { from?: string; to?: string }, command: Command) => {
        await withMemory(command, opts.db, false, async (memory) => {
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
    );

  tm.command('lookup')
    .description('find exact and fuzzy matches for a source text, best first')
    .argument('<text>', 'source text')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .requiredOption('--from <lang>', 'source language range (e.g. en matches en-US and en-GB)')
    .requiredOption('--to <lang>', 'target language range')
    .option('--min <score>', 'lowest score shown', parseScore, 75)
    .option('--limit <n>', 'most matches shown', parseCount, 10)
    .option('--json', 'print a JSON array of {"source","target","score"}')
    .action(
      async (
        text: string,
        opts: PairOptions & { min: number; limit: number; json?: boolean },
        command: Command,
      ) => {
        await withMemory(command, opts.db, false, async (memory) => {
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
      async (
        textFile: string,
        opts: PairOptions & { split: TextSplit; json?: boolean },
        command: Command,
      ) => {
        const text = readText(command, textFile);
        await withMemory(command, opts.db, false, async (memory) => {
          const report = memory.analyze(text, opts.from, opts.to, { split: opts.split });
          write(
            command,
            opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatAnalysisTable(report)}\n`,
          );
        });
      },
    );

  tm.command('stats')
    .description('segments per language pair, index size and file size')
    .requiredOption('--db <file>', 'translation memory (SQLite file)')
    .action(async (opts: DbOption, command: Command) => {
      await withMemory(command, opts.db, false, async (memory) => {
        const stats = memory.stats();
        const lines = [
          `${stats.segments} segments, ${stats.terms} index terms, ${formatBytes(stats.bytes)}`,
          ...stats.pairs.map((p) => `  ${p.from} → ${p.to}  ${p.segments}`),
        ];
        write(command, `${lines.join('\n')}\n`);
      });
    });
}

async function withMemory(
  command: Command,
  db: string,
  create: boolean,
  use: (memory: TranslationMemory) => Promise<void>,
): Promise<void> {
  let memory: TranslationMemory | undefined;
  try {
    if (!create && db !== ':memory:' && !existsSync(db)) {
      throw new TmDatabaseError(`translation memory ${db} does not exist`);
    }
    memory = TranslationMemory.open(db);
    await use(memory);
  } catch (error) {
    // RangeError/TypeError here come from user input (a language tag, a score); others are bugs.
    if (error instanceof RoundtableError) {
      command.error(`error: ${error.message}`, { exitCode: 1, code: error.code });
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      command.error(`error: ${error.message}`, { exitCode: 1, code: 'roundtable.tm.argument' });
    }
    // A file system error (EACCES, ENOSPC, EISDIR…): the message names the path.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
      command.error(`error: ${error.message}`, { exitCode: 1, code: 'roundtable.tm.io' });
    }
    throw error;
  } finally {
    memory?.close();
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

function readText(command: Command, path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return command.error(`error: cannot read text file "${path}": ${reason}`, {
      exitCode: 1,
      code: 'roundtable.tm.read',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return command.error(`error: text file "${path}" is not valid UTF-8`, {
      exitCode: 1,
      code: 'roundtable.tm.encoding',
    });
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
