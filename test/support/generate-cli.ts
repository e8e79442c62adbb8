import { Command } from 'commander';
import { registerGenerate } from '../../src/cli/commands/generate.js';

/** One sequence as `roundtable generate --json` prints it. */
export interface GeneratedSequence {
  ids: number[];
  text?: string;
  logprob: number;
}

/**
 * Runs `roundtable generate <args>` (with `--json` among them) in this process and parses what it
 * printed; a command error is thrown, as commander raises it.
 */
export async function generateJson<
  T extends { sequences: GeneratedSequence[] } = { sequences: GeneratedSequence[] },
>(args: readonly string[]): Promise<T> {
  const out: string[] = [];
  const program = new Command('roundtable').exitOverride();
  program.configureOutput({ writeOut: (text) => out.push(text), writeErr: () => {} });
  registerGenerate(program);
  await program.parseAsync(['generate', ...args], { from: 'user' });
  return JSON.parse(out.join('')) as T;
}
