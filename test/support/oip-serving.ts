import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Roundtable } from '../../src/runtime/roundtable.js';
import { type HostedSource, loadHostedActors } from '../../src/serve/hosted-actors.js';
import {
  type OipHttpServerOptions,
  startOipHttpServer,
} from '../../src/serve/http/oip-http-server.js';
import { startRuntime } from './runtime.js';

const servers: { close(): Promise<void> }[] = [];

/** A folder holding the given models as `<name>.onnx`. */
export function modelFolder(models: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-oip-'));
  for (const [name, bytes] of Object.entries(models))
    writeFileSync(join(dir, `${name}.onnx`), bytes);
  return dir;
}

/** A runtime hosting `source` over HTTP on 127.0.0.1 and a free port, closed after the test. */
export async function serveOverHttp(
  source: HostedSource,
  options: OipHttpServerOptions = {},
): Promise<{ runtime: Roundtable; url: string }> {
  const runtime = await startRuntime();
  const hosted = await loadHostedActors(runtime, source);
  const server = await startOipHttpServer(runtime, hosted, { port: 0, ...options });
  servers.push(server);
  return { runtime, url: server.url };
}

/** POSTs `body` (JSON, or a string sent as it is) to the model's infer endpoint: the status and the JSON answer. */
export async function inferJson(url: string, model: string, body: unknown) {
  const reply = await fetch(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: reply.status, body: (await reply.json()) as { error?: string } };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
