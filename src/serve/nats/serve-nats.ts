import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { PlanError } from '../../errors.js';
import { readPlanFile } from '../../plans/schema.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { NatsActorServer, type NatsServeOptions } from './nats-actor-server.js';
import { hostRuntimeActor } from './nats-hosted-actor.js';

/** What to host: every `.onnx` file of a folder, or the model actors a plan file names. */
export type HostedSource = { readonly models: string } | { readonly plan: string };

/**
 * Spawns the actors of `source` in `runtime` and serves them over NATS: a folder's models under
 * their file names without `.onnx`, a plan's actors under the plan's names. The caller stops the
 * returned server (and closes the runtime) on shutdown.
 */
export async function serveNats(
  runtime: Roundtable,
  connection: NatsConnection,
  source: HostedSource,
  options: NatsServeOptions & { readonly replicas?: number } = {},
): Promise<NatsActorServer> {
  const models = await modelsOf(source);
  if (models.length === 0) {
    throw new PlanError(`nothing to serve in ${'models' in source ? source.models : source.plan}`);
  }
  const actors = await Promise.all(
    models.map(({ name, path, replicas }) =>
      runtime.spawnModel(name, {
        model: path,
        ...((replicas ?? options.replicas) !== undefined
          ? { replicas: replicas ?? options.replicas }
          : {}),
      }),
    ),
  );
  return NatsActorServer.start(
    connection,
    actors.map((actor) => hostRuntimeActor(runtime, actor)),
    options,
  );
}

interface ModelToHost {
  readonly name: string;
  readonly path: string;
  readonly replicas?: number | undefined;
}

async function modelsOf(source: HostedSource): Promise<ModelToHost[]> {
  if ('models' in source) {
    const files = (await readdir(source.models)).filter((file) => file.endsWith('.onnx')).sort();
    return files.map((file) => ({
      name: basename(file, '.onnx'),
      path: resolve(join(source.models, file)),
    }));
  }
  const plan = await readPlanFile(source.plan);
  const base = dirname(resolve(source.plan));
  return Object.entries(plan.actors ?? {}).map(([name, spec]) => {
    if (spec.model === undefined) {
      throw new PlanError(
        `plan file ${source.plan}: actor "${name}" is itself served over NATS; a server hosts models`,
      );
    }
    return { name, path: resolve(base, spec.model), replicas: spec.replicas };
  });
}
