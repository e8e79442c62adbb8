import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where `nats-server` is installed (the PATH, or Debian's /usr/sbin), undefined if nowhere. */
export const natsServerBinary: string | undefined = findBinary();

/** Why the NATS tests skip when they do: printed once, so a skip is never silent. */
export function skipWithoutNatsServer(): boolean {
  if (natsServerBinary) return false;
  console.warn('SKIPPED: nats-server is not installed (apt-get install nats-server; .ci/run does)');
  return true;
}

/** A real nats-server on 127.0.0.1 and a free port, for one test file. */
export class NatsServerProcess {
  readonly port: number;
  readonly #args: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, args: readonly string[]) {
    this.port = port;
    this.#args = args;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The server's process id while it runs (the NATS benchmark reads its CPU time). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** `maxPayload`: the server's max_payload in bytes (set through a config file). */
  static async start(options: { maxPayload?: number } = {}): Promise<NatsServerProcess> {
    const args: string[] = [];
    if (options.maxPayload !== undefined) {
      const config = join(mkdtempSync(join(tmpdir(), 'roundtable-nats-conf-')), 'nats.conf');
      writeFileSync(config, `max_payload: ${options.maxPayload}\n`);
      args.push('-c', config);
    }
    const server = new NatsServerProcess(await freePort(), args);
    await server.restart();
    return server;
  }

  /** Starts it again on the same port (after stop()), and waits until it takes connections. */
  async restart(): Promise<void> {
    if (!natsServerBinary) throw new Error('nats-server is not installed');
    const child = spawn(
      natsServerBinary,
      [...this.#args, '-a', '127.0.0.1', '-p', String(this.port)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.#child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`nats-server exited with ${code} before it was ready:\n${log}`)),
      );
    });
  }

  /** Stops it and waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function findBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}
