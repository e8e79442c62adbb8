/**
 * Reading the files a user names on the command line: whole (a plan, a text) or line by line
 * (JSONL, text to translate). Both refuse bytes that are not UTF-8 and say on which line, rather
 * than decoding them to U+FFFD and going on with text the user never wrote.
 */
import { createReadStream, openSync, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { inputError } from './cli-error.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'is a folder, expected a file';
  if (e.code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Decodes one line; the error names the file and the line. */
function decodeLine(bytes: Uint8Array, file: string, line: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: line !== 1 }).decode(bytes);
  } catch (error) {
    throw inputError({ file, line }, 'is not valid UTF-8', error);
  }
}

/** Checks up front that `file` can be read as a file: the error names it and says why not. */
export function checkReadable(file: string, role: string): number {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return stat.size;
  } catch (error) {
    throw inputError({ file }, `cannot read the ${role}: ${reasonOf(error)}`, error);
  }
}

/** Opens `file` for writing now, so a missing folder is an input error before any work starts. */
export function openForWriting(file: string, role: string): number {
  try {
    return openSync(file, 'w');
  } catch (error) {
    throw inputError({ file }, `cannot write the ${role}: ${reasonOf(error)}`, error);
  }
}

/** The whole file as text; refuses a file that is not UTF-8, naming the first bad line. */
export function readUtf8File(file: string, role: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw inputError({ file }, `cannot read the ${role}: ${reasonOf(error)}`, error);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== NEWLINE) continue;
      decodeLine(bytes.subarray(start, i), file, line);
      line++;
      start = i + 1;
    }
    throw inputError({ file }, 'is not valid UTF-8');
  }
}

/** A line of an input and its one-based number. */
export interface InputLine {
  readonly text: string;
  readonly number: number;
}

/**
 * The lines of a file (or a stream such as stdin, named `file` in errors), split on '\n' with a
 * trailing '\r' dropped, each decoded strictly as UTF-8. A final newline does not start a line.
 */
export async function* readInputLines(
  source: string | Readable,
  file = typeof source === 'string' ? source : 'stdin',
): AsyncGenerator<InputLine> {
  const stream = typeof source === 'string' ? createReadStream(source) : source;
  let pending: Buffer[] = [];
  let number = 0;
  const finish = (parts: Buffer[]): InputLine => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN)
      bytes = bytes.subarray(0, bytes.length - 1);
    number++;
    return { text: decodeLine(bytes, file, number), number };
  };
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      let start = 0;
      for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, start)) {
        pending.push(buffer.subarray(start, i));
        yield finish(pending);
        pending = [];
        start = i + 1;
      }
      if (start < buffer.length) pending.push(buffer.subarray(start));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall === undefined) throw error;
    throw inputError({ file }, `cannot read: ${reasonOf(error)}`, error);
  }
  if (pending.length > 0) yield finish(pending);
}
