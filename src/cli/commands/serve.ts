import type { Command } from 'commander';
import { Roundtable } from '../../runtime/roundtable.js';
import { loadHostedActors } from '../../serve/hosted-actors.js';
import { startOipHttpServer } from '../../serve/http/oip-http-server.js';

interface ServeOptions {
  readonly models?: string;
  readonly plan?: string;
  readonly http?: number;
  readonly host: string;
  readonly maxBody?: number;
}

/** A transport serving the hosted models; closed on shutdown, before the runtime. */
interface Listener {
  close(): Promise<void>;
}

/**
 * `roundtable serve (--models <dir> | --plan <plan.json>) [--http <port>] [--host 127.0.0.1]`:
 * hosts a folder's models (or a plan's actors, and the plan as one model) and serves them until
 * Ctrl-C or SIGTERM, which stops taking requests, lets those in flight finish, and closes.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('host models or a plan for other machines (Open Inference Protocol over HTTP)')
    .option('--models <dir>', 'folder of .onnx models, each served under its file name')
    .option('--plan <file>', 'plan file: its actors are served under their names, and the plan too')
    .option(
      '--http <port>',
      'serve the Open Inference Protocol (KServe v2 REST) on this port',
      wholeNumber,
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--max-body <bytes>', 'largest request body accepted (HTTP 413 above)', wholeNumber)
    // Other transports (--nats <url>) register their options here and start in serve() below.
    .action((options: ServeOptions, command: Command) => serve(options, command));
}

async function serve(options: ServeOptions, command: Command): Promise<void> {
  if (!options.models === !options.plan)
    throw new TypeError('serve: give exactly one of --models <dir> or --plan <plan.json>');
  if (options.http === undefined)
    throw new TypeError('serve: give a transport to serve on, e.g. --http <port>');
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
      const server = await startOipHttpServer(runtime, hosted, {
        port: options.http,
        host: options.host,
        ...(options.maxBody !== undefined ? { maxBodyBytes: options.maxBody } : {}),
      });
      listeners.push(server);
      say(`serving ${names} over the Open Inference Protocol at ${server.url}/v2`);
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

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`expected a whole number, got "${value}"`);
  return n;
}
