/**
 * A one-line progress bar on stderr for long CLI commands.
 *
 * On a terminal it redraws in place (`\r`, at most every `interval` ms) and ends with a newline.
 * Anywhere else (a pipe, a CI log, a file) it never draws a bar: it prints a plain line at most
 * every `lineInterval` ms, so a long job still shows a sign of life in a log without flooding it,
 * and a short one prints nothing.
 */

/** The part of a stream the bar uses; `process.stderr` is one. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** The amount that means finished; without it the bar shows a count and a rate. */
  readonly total?: number;
  readonly label: string;
  /** Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** How amounts are shown; default plain numbers (see {@link formatBytes}). */
  readonly format?: (amount: number) => string;
  /** Milliseconds between redraws on a terminal; default 100. */
  readonly interval?: number;
  /** Milliseconds between lines off a terminal; default 10 000. */
  readonly lineInterval?: number;
  /** The clock, in milliseconds; default `performance.now`. */
  readonly now?: () => number;
}

export interface Progress {
  /** Adds to the amount done. */
  tick(amount?: number): void;
  /** Sets the amount done. */
  update(done: number): void;
  /** Draws the final state (on a terminal) and ends the line. Later calls do nothing. */
  done(): void;
}

const BAR_WIDTH = 24;

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const format = options.format ?? ((amount: number) => String(Math.round(amount)));
  const now = options.now ?? (() => performance.now());
  const interval = options.interval ?? 100;
  const lineInterval = options.lineInterval ?? 10_000;
  const total = options.total !== undefined && options.total > 0 ? options.total : undefined;
  const started = now();
  let done = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLine = started;
  let finished = false;

  const describe = (at: number): string => {
    const seconds = Math.max((at - started) / 1000, 1e-3);
    const rate = `${format(done / seconds)}/s`;
    if (total === undefined) return `${options.label} ${format(done)} ${rate}`;
    const fraction = Math.min(done / total, 1);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = tty ? ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]` : '';
    const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
    return `${options.label}${bar} ${percent} ${format(done)}/${format(total)} ${rate}`;
  };

  const draw = (force: boolean): void => {
    if (finished) return;
    const at = now();
    if (tty) {
      if (!force && at - lastDraw < interval) return;
      lastDraw = at;
      const width = Math.max((stream.columns ?? 80) - 1, 10);
      // \x1b[K clears what a longer previous line left behind.
      stream.write(`\r${describe(at).slice(0, width)}\x1b[K`);
    } else if (at - lastLine >= lineInterval) {
      lastLine = at;
      stream.write(`${describe(at)}\n`);
    }
  };

  return {
    tick(amount = 1) {
      done += amount;
      draw(false);
    },
    update(value) {
      done = value;
      draw(false);
    },
    done() {
      if (finished) return;
      if (tty) {
        draw(true);
        stream.write('\n');
      }
      finished = true;
    },
  };
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
