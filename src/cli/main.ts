#!/usr/bin/env node
/**
 * The `roundtable` command. Each subcommand lives in `commands/` and registers itself here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { RoundtableError } from '../errors.js';
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

const program = new Command('roundtable')
  .description(
    'ONNX models collaborating as actors: run plans, learn fusion weights, translation memory, MT metrics',
  )
  .version(version)
  .showHelpAfterError();

registerRun(program);
registerModels(program);
registerLearn(program);
registerScore(program);
registerTm(program);
registerTranslate(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Typed runtime errors already say what went wrong; a stack would only hide it.
  if (
    error instanceof RoundtableError ||
    error instanceof TypeError ||
    error instanceof RangeError
  ) {
    process.stderr.write(`roundtable: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
