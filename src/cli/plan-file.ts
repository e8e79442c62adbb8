import type { Plan } from '../plans/plan.js';
import { parsePlan } from '../plans/schema.js';
import { inputError } from './cli-error.js';
import { readUtf8File } from './input-files.js';

/** The plan file named on the command line: UTF-8 JSON that validates, else an input error. */
export function readPlanArgument(file: string): Plan {
  const text = readUtf8File(file, 'plan file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError({ file }, `not JSON: ${(error as Error).message}`, error);
  }
  try {
    return parsePlan(json, `plan file ${file}`);
  } catch (error) {
    // parsePlan's message names the file and each field that does not validate.
    throw inputError({ file }, (error as Error).message.replace(`plan file ${file} `, ''), error);
  }
}
