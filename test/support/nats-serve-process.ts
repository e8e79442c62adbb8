import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('../fixtures/nats-serve.ts', import.meta.url));

/** A child process serving a folder's models over NATS (test/fixtures/nats-serve.ts). */
export class ServeProcess {
  readonly instance: string;
  readonly #child: ChildProcess;
  readonly #lines: Interface;

  private constructor(child: ChildProcess, lines: Interface, instance: string) {
    this.#child = child;
    this.#lines = lines;
    this.instance = instance;
  }

  static async start(url: string, folder: string, delayMs = 0): Promise<ServeProcess> {
    const args = ['--import', 'tsx', fixture, url, folder];
    if (delayMs > 0) args.push('--delay', String(delayMs));
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const instance = await new Promise<string>((resolve, reject) => {
      lines.once('line', (line) => resolve(line.replace(/^ready /, '')));
      child.once('exit', (code) => reject(new Error(`serve process exited with ${code}`)));
    });
    return new ServeProcess(child, lines, instance);
  }

  /** The server's counters per actor (requests, errors, dropped, cancelled). */
  stats(): Promise<{ actor: string; requests: number; dropped: number; cancelled: number }[]> {
    return new Promise((resolve) => {
      this.#lines.once('line', (line) => resolve(JSON.parse(line)));
      this.#child.stdin!.write('stats\n');
    });
  }

  /**
   * Asks it to stop gracefully (its stdin ends: it stops taking calls, answers those it holds and
   * exits); resolves with its exit code.
   */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin!.end();
    return exited;
  }

  /** Kills it at once (SIGKILL: no goodbye to NATS), and waits for the exit. */
  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGKILL');
    await exited;
  }
}
