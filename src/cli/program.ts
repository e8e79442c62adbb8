/**
 * The `roundtable` program: its subcommands, and how it ends. {@link runCli} is what `main.ts`
 * runs; tests run it too, in process, with their own output.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { ProgressStream } from '../util/progress.js';
import { EXIT_CODES, errorLine, exitCodeOf } from './cli-error.js';
import { registerGenerate } from './commands/generate.js';
import { registerLearn } from './commands/learn.js';
import { registerModels } from './commands/models.js';
import { registerRun } from './commands/run.js';
import { registerScore } from './commands/score.js';
import { registerServe } from './commands/serve.js';
import { registerTm } from './commands/tm.js';
import { registerTranslate } from './commands/translate.js';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

export interface CliOutput {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
  /** Where progress bars go; default `process.stderr` (drawn only on a terminal). */
  readonly progress?: ProgressStream;
}

const EXIT_CODE_HELP = `
Exit codes:
  ${EXIT_CODES.ok}  done
  ${EXIT_CODES.usage}  usage: an unknown or missing option, a value that does not parse or is out of range
  ${EXIT_CODES.input}  input: a file named on the command line is missing, unreadable, not UTF-8 or
     not in the expected format (the message names the file, line and field)
  ${EXIT_CODES.runtime}  runtime: a model, the runtime or the database failed, or the machine refused
     (serve on a port already in use); for run and translate, some lines failed (each says why)
`;

/** The program with every subcommand; output settings first, since subcommands copy them. */
export function createProgram(output?: CliOutput): Command {
  const program = new Command('roundtable')
    .description(
      'ONNX models collaborating as actors: run plans, learn fusion weights, translation memory, MT metrics',
    )
    .version(version)
    .exitOverride()
    .addHelpText('after', EXIT_CODE_HELP);
  if (output) program.configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr });
  registerRun(program);
  registerModels(program);
  registerLearn(program);
  registerScore(program);
  registerTm(program, output?.progress ? { progress: output.progress } : {});
  registerTranslate(program);
  registerGenerate(program);
  registerServe(program);
  return program;
}

/** Runs the command line `args` (without node and the script) and returns its exit code. */
export async function runCli(args: readonly string[], output?: CliOutput): Promise<number> {
  const program = createProgram(output);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    // Commander has already printed its own line for the errors it raised.
    if (!(error instanceof CommanderError)) {
      const writeErr = output?.writeErr ?? ((text: string) => process.stderr.write(text));
      writeErr(`${errorLine(error)}\n`);
    }
    return exitCodeOf(error);
  }
}
