import type { Command } from 'commander';
import { connectNats } from '../../remote/nats/connect-nats.js';
import { Roundtable } from '../../runtime/roundtable.js';
import { serveNats } from '../../serve/nats/serve-nats.js';

interface ServeOptions {
  readonly nats?: string;
  readonly models?: string;
  readonly plan?: string;
  readonly prefix?: string;
  readonly replicas?: number;
}

/**
 * `roundtable serve --nats <url> (--models <dir> | --plan <plan.json>)`: hosts actors as a NATS
 * service until SIGINT or SIGTERM, then stops taking calls, answers those it holds, and exits.
 * Prints `ready <instance>` on stdout once callers can find it.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('host actors for other processes: a folder of models or the actors of a plan')
    .option(
      '--nats <url>',
      'serve over this NATS server (subjects <prefix>.<actor>.run|meta|cancel)',
    )
    .option('--models <dir>', 'every .onnx file, as an actor named after the file')
    .option('--plan <file>', "the model actors of a plan file, under the plan's names")
    .option('--prefix <subject>', 'NATS subject prefix', 'roundtable')
    .option('--replicas <n>', 'workers per model', (v) => Number.parseInt(v, 10))
    .action((options: ServeOptions) => serve(options));
}

async function serve(options: ServeOptions): Promise<void> {
  if ((options.models === undefined) === (options.plan === undefined)) {
    throw new TypeError('serve: give exactly one of --models <dir> or --plan <plan.json>');
  }
  if (options.nats === undefined) throw new TypeError('serve: give --nats <url>');
  const source =
    options.models !== undefined ? { models: options.models } : { plan: options.plan! };
  const nats = await connectNats(options.nats, 'roundtable serve');
  const runtime = await Roundtable.create();
  try {
    const server = await serveNats(runtime, nats, source, {
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
    });
    const actors = server.stats().map((s) => s.actor);
    process.stderr.write(
      `roundtable serve: ${actors.join(', ')} on ${options.nats} (instance ${server.instance})\n`,
    );
    process.stdout.write(`ready ${server.instance}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.stop();
  } finally {
    await runtime.close();
    await nats.drain().catch(() => nats.close());
  }
}
