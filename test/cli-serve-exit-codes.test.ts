import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { connectNats } from '../src/engines/remote/nats/connect-nats.js';
import { ArgumentError } from '../src/errors.js';
import { type CliRun, classifierFolder, cli, errorLines } from './support/cli.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';

/**
 * `roundtable serve` fails with one `error:` line and the exit code of its class: a port already
 * in use (a real second listener on 127.0.0.1) is the machine's state, runtime (4); a value the
 * command line should not have given (`--http 70000`, an empty `--nats`, a `--prefix` that is not
 * subject tokens) is usage (2). See src/cli/commands/serve.ts for why.
 */

function expectOneErrorLine(run: CliRun, code: number, pattern: RegExp): void {
  const lines = errorLines(run.err);
  expect(lines, run.err).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.code, run.err).toBe(code);
}

let dir: string;
let listener: Server;
let taken: number;

beforeAll(async () => {
  dir = classifierFolder();
  listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  taken = (listener.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve));
});

describe('roundtable serve: exit codes by class', () => {
  it('a port already in use is a runtime failure: exit 4, one error line naming the port', async () => {
    const run = await cli('serve', '--models', dir, '--http', String(taken));
    expectOneErrorLine(
      run,
      EXIT_CODES.runtime,
      new RegExp(`^error: .*cannot listen on 127\\.0\\.0\\.1 port ${taken}: .*EADDRINUSE`),
    );
    // The listener that held the port is untouched.
    expect(listener.listening).toBe(true);
  }, 60_000);

  it('a port out of range is usage: exit 2', async () => {
    const run = await cli('serve', '--models', dir, '--http', '70000');
    expectOneErrorLine(run, EXIT_CODES.usage, /options\.port must be an integer from 0 to 65535/);
  }, 60_000);

  it('an empty --nats URL is usage: exit 2, for serve and run', async () => {
    expectOneErrorLine(
      await cli('serve', '--models', dir, '--nats', ''),
      EXIT_CODES.usage,
      /--nats.*expected a NATS server URL/,
    );
    expectOneErrorLine(
      await cli(
        'run',
        join(dir, 'plan.json'),
        '--input',
        join(dir, 'in.jsonl'),
        '--out',
        join(dir, 'out.jsonl'),
        '--nats',
        ' ',
      ),
      EXIT_CODES.usage,
      /--nats.*expected a NATS server URL/,
    );
    // Behind the option's parser, the connection itself refuses it rather than connecting to the
    // client's default server.
    await expect(connectNats('')).rejects.toBeInstanceOf(ArgumentError);
  });
});

describe.skipIf(skipWithoutNatsServer())('roundtable serve --nats: exit codes by class', () => {
  let nats: NatsServerProcess;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('a --prefix that is not subject tokens is usage: exit 2', async () => {
    const run = await cli('serve', '--models', dir, '--nats', nats.url, '--prefix', 'a b');
    expectOneErrorLine(run, EXIT_CODES.usage, /options\.prefix must be dot-separated/);
  }, 60_000);
});
