import { type Command, InvalidArgumentError } from 'commander';
import { connectNats } from '../../engines/remote/nats/connect-nats.js';
import { ArgumentError } from '../../errors.js';
import { Roundtable } from '../../runtime/roundtable.js';
import { loadHostedActors } from '../../serve/hosted-actors.js';
import { startOipHttpServer } from '../../serve/http/oip-http-server.js';
import { NatsActorServer } from '../../serve/nats/nats-actor-server.js';
import { CliError, cliAction, parseNatsUrl, usageError } from '../cli-error.js';

interface ServeOptions {
  readonly models?: string;
  readonly plan?: string;
  readonly http?: number;
  readonly nats?: string;
  readonly prefix: string;
  readonly host: string;
  readonly maxBody?: number;
}

/** A transport serving the hosted models; closed on shutdown, before the runtime. */
interface Listener {
  close(): Promise<void>;
}

/**
 * `roundtable serve (--models <dir> | --plan <plan.json>) [--http <port>] [--host 127.0.0.1]
 * [--nats <url> [--prefix roundtable]]`: hosts a folder's models (or a plan's actors, and the plan
 * as one model) and serves them over HTTP, NATS or both until Ctrl-C or SIGTERM, which stops
 * taking requests, lets those in flight finish, and closes. With --nats it prints
 * `ready <instance>` on stdout once callers can find it.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'host models or a plan for other machines (Open Inference Protocol over HTTP, and NATS)',
    )
    .option('--models <dir>', 'folder of .onnx models, each served under its file name')
    .option('--plan <file>', 'plan file: its actors are served under their names, and the plan too')
    .option(
      '--http <port>',
      'serve the Open Inference Protocol (KServe v2 REST) on this port',
      wholeNumber,
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--max-body <bytes>', 'largest request body accepted (HTTP 413 above)', wholeNumber)
    .option(
      '--nats <url>',
      'serve over this NATS server: subjects <prefix>.<name>.run|meta|cancel',
      parseNatsUrl,
    )
    .option('--prefix <subject>', 'NATS subject prefix', 'roundtable')
    .action(cliAction((options: ServeOptions, command: Command) => serve(options, command)));
}

async function serve(options: ServeOptions, command: Command): Promise<void> {
  if (!options.models === !options.plan)
    throw usageError('serve: give exactly one of --models <dir> or --plan <plan.json>');
  if (options.http === undefined && options.nats === undefined)
    throw usageError('serve: give a transport to serve on: --http <port>, --nats <url> or both');
  const runtime = await Roundtable.create();
  const listeners: Listener[] = [];
  try {
    const hosted = await loadHostedActors(runtime, {
      ...(options.models ? { models: options.models } : {}),
      ...(options.plan ? { plan: options.plan } : {}),
    });
    const say = (line: string) => command.configureOutput().writeOut?.(`${line}\n`);
    const names = [...hosted.models.keys()].join(', ');
    if (options.http !== undefined) {
      const server = await fromCommandLine(() =>
        startOipHttpServer(runtime, hosted, {
          port: options.http,
          host: options.host,
          ...(options.maxBody !== undefined ? { maxBodyBytes: options.maxBody } : {}),
        }),
      );
      listeners.push(server);
      say(`serving ${names} over the Open Inference Protocol at ${server.url}/v2`);
    }
    if (options.nats !== undefined) {
      const nats = await connectNats(options.nats, 'roundtable serve');
      try {
        const server = await fromCommandLine(() =>
          NatsActorServer.start(nats, [...hosted.models.values()], { prefix: options.prefix }),
        );
        listeners.push({
          close: async () => {
            await server.stop();
            await nats.drain().catch(() => nats.close());
          },
        });
        process.stderr.write(
          `serving ${names} over NATS at ${options.nats} (instance ${server.instance})\n`,
        );
        process.stdout.write(`ready ${server.instance}\n`);
      } catch (error) {
        await nats.close();
        throw error;
      }
    }
  } catch (error) {
    await runtime.close(0);
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await Promise.all(listeners.map((listener) => listener.close()));
  await runtime.close();
}

/**
 * Starts a transport with values taken from the command line, classing what it refuses. A value
 * the server refuses (`--http 70000`, a `--prefix` that is not subject tokens, `--host ''`) is the
 * command line's fault: usage, exit 2. An address the system will not listen on (the port already
 * in use, a port not allowed, a host that does not resolve or is not this machine's) is runtime,
 * exit 4: the command is well formed, and the same line works once the port is free or on another
 * machine, so it is the machine's state that failed, not what was typed. (Plan files' own actors
 * are started elsewhere: their ArgumentErrors keep their class.)
 */
async function fromCommandLine<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    const listen = typeof (error.cause as NodeJS.ErrnoException | undefined)?.syscall === 'string';
    throw new CliError(listen ? 'runtime' : 'usage', error.message, { cause: error });
  }
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}
