/**
 * How the `roundtable` command fails: one `error: …` line on stderr and an exit code that says
 * whose fault it was. Every command reports through here, so a script can tell a mistyped
 * option from a bad input file from a model that failed.
 *
 * A command action wrapped in {@link cliAction} may throw anything: a {@link CliError}, a
 * runtime error (`RoundtableError`), a file-system error. {@link exitCodeOf} classifies it.
 */
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { FeedError, ModelLoadError, PlanError, RoundtableError } from '../errors.js';

/** The exit codes of the command, one per class of failure. */
export const EXIT_CODES = {
  /** Everything done. */
  ok: 0,
  /** The command line itself: an unknown option, a missing one, a value that does not parse or is out of range. */
  usage: 2,
  /** A file the user named: missing, unreadable, not UTF-8, not the format expected. */
  input: 3,
  /**
   * The work failed: a model, the runtime, the database, the disk while writing, or the machine
   * refused what a well-formed command asked (serve on a port already in use).
   */
  runtime: 4,
} as const;

export type CliFailure = 'usage' | 'input' | 'runtime';

/** Where in an input something is wrong: the file, and when known its line and field. */
export interface InputPlace {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
}

/** `file:line: field "x"`, the prefix of an input error. */
export function formatPlace(place: InputPlace): string {
  const line = place.line !== undefined ? `:${place.line}` : '';
  const field = place.field !== undefined ? ` field "${place.field}"` : '';
  return `${place.file}${line}${field}`;
}

/** A failure of the command line, with the class that picks its exit code. */
export class CliError extends RoundtableError {
  override readonly code: string;
  override name = 'CliError';
  readonly failure: CliFailure;

  constructor(failure: CliFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
    this.code = `ERR_CLI_${failure.toUpperCase()}`;
  }
}

/** A wrong option value: `--concurrency abc`. */
export function usageError(message: string): CliError {
  return new CliError('usage', message);
}

/** A problem in a file the user named, placed at its file, line and field. */
export function inputError(place: InputPlace, message: string, cause?: unknown): CliError {
  return new CliError(
    'input',
    `${formatPlace(place)}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Errors that name a file the user gave (ENOENT, EISDIR, EACCES…) carry a syscall and a path. */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** The class of any error a command can end with. */
export function failureOf(error: unknown): CliFailure {
  if (error instanceof CliError) return error.failure;
  if (error instanceof InvalidArgumentError) return 'usage';
  if (error instanceof CommanderError) return 'usage';
  // A plan that does not validate, a feed that does not fit the model and a model file that is
  // not ONNX all come from files the user named.
  if (error instanceof PlanError || error instanceof FeedError || error instanceof ModelLoadError)
    return 'input';
  if (error instanceof RoundtableError) return /TMX|ERR_TM_/.test(error.code) ? 'input' : 'runtime';
  // Reading a path the user named failed; writes go through the same error shape.
  if (isFileSystemError(error)) return error.syscall === 'write' ? 'runtime' : 'input';
  return 'runtime';
}

/** The exit code for an error; commander's own help and version "errors" exit 0. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
      return EXIT_CODES.ok;
    if (error.code === 'commander.help') return EXIT_CODES.ok;
    // Commander's usage errors exit 1; ours (from failCommand) carry their own code.
    return error.code.startsWith('commander.') ? EXIT_CODES.usage : error.exitCode;
  }
  return EXIT_CODES[failureOf(error)];
}

/** One line: multi-line messages (a plan's list of problems) are joined with "; ". */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const flat = message
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .reduce(
      (line, part) => (line === '' ? part : `${line}${line.endsWith(':') ? ' ' : '; '}${part}`),
      '',
    );
  return `error: ${flat.replace(/^error: /, '')}`;
}

/**
 * Ends the command with the error's `error:` line on the command's stderr and its exit code,
 * through commander, so that a program with `exitOverride()` gets a `CommanderError` instead
 * of an exit.
 */
export function failCommand(command: Command, error: unknown): never {
  const code =
    error instanceof RoundtableError ? error.code : `ERR_CLI_${failureOf(error).toUpperCase()}`;
  command.error(errorLine(error), { exitCode: exitCodeOf(error), code });
}

/**
 * Wraps a command's action: whatever it throws becomes one `error:` line and an exit code.
 * The last argument commander passes an action is its command.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander's action arguments are untyped.
export function cliAction<Args extends any[]>(
  action: (...args: Args) => unknown,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const command = args[args.length - 1] as Command;
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof CommanderError) throw error;
      failCommand(command, error);
    }
  };
}

/** A NATS server's URL (`--nats`): not empty, or it would quietly mean the default server or none. */
export function parseNatsUrl(value: string): string {
  if (value.trim() === '')
    throw new InvalidArgumentError('expected a NATS server URL (nats://host:port), got ""');
  return value;
}

/** A whole number ≥ 1 for an option such as `--concurrency`; commander reports it as usage. */
export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(
      `expected a positive whole number, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/** A whole number ≥ 0 (`--seed`, `--seed-base`). */
export function parseNonNegativeInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  }
  return number;
}
