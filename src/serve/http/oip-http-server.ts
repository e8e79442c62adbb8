import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { datatypeOfDType } from '../../oip/datatype.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import type { HostedActors, HostedModel } from '../hosted-actors.js';
import {
  checkHosted,
  checkHttpServerOptions,
  checkRuntime,
  listenError,
} from '../serve-arguments.js';
import { statusOfError } from './error-status.js';
import { parseInferRequest } from './infer-request.js';
import { inferReply } from './infer-response.js';

export interface OipHttpServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: nothing is exposed beyond the machine unless asked. */
  readonly host?: string;
  /** Largest request body accepted; larger ones get 413. Default 64 MiB. */
  readonly maxBodyBytes?: number;
}

export interface OipHttpServer {
  readonly url: string;
  readonly port: number;
  /** Stops taking connections and waits for the requests in flight. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Every hosted model has one version: what was loaded. */
const VERSION = '1';

const { version: serverVersion } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The Open Inference Protocol's REST endpoints (KServe v2) over hosted actors and plans, with
 * Triton's binary tensor data extension.
 */
export async function startOipHttpServer(
  runtime: Roundtable,
  hosted: HostedActors,
  options: OipHttpServerOptions = {},
): Promise<OipHttpServer> {
  const where = 'startOipHttpServer';
  runtime = checkRuntime(where, runtime);
  hosted = checkHosted(where, hosted);
  options = checkHttpServerOptions(where, options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((req, res) => {
    handle(runtime, hosted, maxBodyBytes, req, res).catch((error: unknown) =>
      sendError(res, error),
    );
  });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const refused = (error: unknown) => reject(listenError(where, host, port, error));
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () => closeServer(server),
  };
}

async function handle(
  runtime: Roundtable,
  hosted: HostedActors,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'v2') throw new HttpError(404, `no endpoint ${path}`);
  if (parts.length === 1) {
    expectMethod(req, 'GET');
    return sendJson(res, 200, {
      name: 'roundtable',
      version: serverVersion,
      extensions: ['binary_tensor_data'],
    });
  }
  if (parts[1] === 'health' && parts.length === 3) {
    expectMethod(req, 'GET');
    // Ready: the runtime is open and every hosted model can take requests.
    const ok =
      parts[2] === 'live'
        ? true
        : parts[2] === 'ready'
          ? runtime.health().ready && [...hosted.models.values()].every((m) => m.ready())
          : undefined;
    if (ok === undefined) throw new HttpError(404, `no endpoint ${path}`);
    return sendJson(res, ok ? 200 : 503, parts[2] === 'live' ? { live: ok } : { ready: ok });
  }
  if (parts[1] !== 'models' || parts.length < 3) throw new HttpError(404, `no endpoint ${path}`);
  const model = hosted.models.get(parts[2]!);
  if (!model) throw new HttpError(404, `unknown model "${parts[2]}"`);
  let rest = parts.slice(3);
  if (rest[0] === 'versions') {
    if (rest[1] !== VERSION)
      throw new HttpError(
        404,
        `model "${model.name}" has no version "${rest[1] ?? ''}"; it has "${VERSION}"`,
      );
    rest = rest.slice(2);
  }
  if (rest.length === 0) {
    expectMethod(req, 'GET');
    return sendJson(res, 200, modelMetadata(model));
  }
  if (rest.length === 1 && rest[0] === 'ready') {
    expectMethod(req, 'GET');
    const ready = model.ready();
    return sendJson(res, ready ? 200 : 503, { name: model.name, ready });
  }
  if (rest.length === 1 && rest[0] === 'infer') {
    expectMethod(req, 'POST');
    return infer(model, maxBodyBytes, req, res);
  }
  throw new HttpError(404, `no endpoint ${path}`);
}

async function infer(
  model: HostedModel,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req, maxBodyBytes);
  const header = req.headers['inference-header-content-length'];
  const headerLength = header === undefined ? undefined : Number(header);
  if (headerLength !== undefined && !Number.isInteger(headerLength))
    throw new HttpError(400, `Inference-Header-Content-Length must be an integer, got "${header}"`);
  const request = parseInferRequest(model.name, body, headerLength);
  // A caller that hangs up no longer waits: its run is abandoned and its arena memory freed.
  const abandon = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abandon.abort();
  });
  const outputs = await model.run(request.feeds, { signal: abandon.signal });
  const reply = inferReply(model.name, VERSION, request, outputs);
  const headers: Record<string, string | number> = { 'content-length': reply.body.byteLength };
  if (reply.headerLength === undefined) headers['content-type'] = 'application/json';
  else {
    headers['content-type'] = 'application/octet-stream';
    headers['inference-header-content-length'] = reply.headerLength;
  }
  res.writeHead(200, headers).end(reply.body);
}

function modelMetadata(model: HostedModel) {
  const tensors = (list: HostedModel['inputs']) =>
    list.flatMap((io) => {
      const datatype = datatypeOfDType(io.dtype);
      if (!datatype) return [];
      const shape = (io.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
      return [{ name: io.name, datatype, shape }];
    });
  return {
    name: model.name,
    versions: [VERSION],
    platform: model.kind === 'plan' ? 'roundtable_plan' : 'onnxruntime_onnx',
    inputs: tensors(model.inputs),
    outputs: tensors(model.outputs),
  };
}

function expectMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method)
    throw new HttpError(405, `${req.method} is not allowed here; use ${method}`);
}

function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes)
    return Promise.reject(
      new HttpError(413, `the body of ${declared} bytes is over the limit of ${maxBodyBytes}`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `the body is over the limit of ${maxBodyBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': body.byteLength })
    .end(body);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const status =
    error instanceof HttpError
      ? error.status
      : error instanceof URIError // a malformed %-escape in the path
        ? 400
        : statusOfError(error);
  if (status === 413) res.shouldKeepAlive = false;
  sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
