import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';

/**
 * A model server written by hand from the Open Inference Protocol's specification, sharing no
 * code with roundtable's: it serves one model, "doubler" (x: FP32 [-1, 3] → y: FP32 = 2x), with
 * JSON tensors and the binary data extension. `behaviour` makes it misbehave on infer.
 */
export type Behaviour =
  | 'ok'
  | 'slow'
  | 'drop-connection'
  | 'refuse-400'
  | 'short-binary-reply'
  | 'wrong-datatype';

export interface SeenRequest {
  readonly headerLength: string | undefined;
  readonly json: { inputs: { name: string; parameters?: Record<string, unknown> }[] };
}

export interface IndependentServer {
  readonly url: string;
  behaviour: Behaviour;
  /** Infer requests received, in order. */
  readonly seen: SeenRequest[];
  /** Resolves once `count` infer requests have arrived. */
  received(count: number): Promise<void>;
  /** Resolves when the client closes a connection the server held without answering. */
  readonly abandoned: Promise<void>;
  /** Closes every connection and stops listening: the server is gone. */
  kill(): Promise<void>;
}

const open: IndependentServer[] = [];

export async function startIndependentServer(): Promise<IndependentServer> {
  const sockets = new Set<Socket>();
  let onAbandoned: () => void = () => {};
  const abandoned = new Promise<void>((resolve) => {
    onAbandoned = resolve;
  });
  const state: { behaviour: Behaviour; seen: SeenRequest[] } = { behaviour: 'ok', seen: [] };
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const send = (status: number, json: unknown, binary?: Buffer) => {
      const head = Buffer.from(JSON.stringify(json));
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (binary) headers['inference-header-content-length'] = head.byteLength;
      res.writeHead(status, headers).end(binary ? Buffer.concat([head, binary]) : head);
    };
    if (req.method === 'GET' && req.url === '/v2/models/doubler')
      return send(200, {
        name: 'doubler',
        versions: ['1'],
        platform: 'handmade',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
      });
    if (req.method === 'GET' && req.url === '/v2/models/doubler/ready') return send(200, {});
    if (req.method !== 'POST' || req.url !== '/v2/models/doubler/infer')
      return send(404, { error: `no such thing: ${req.method} ${req.url}` });

    const headerLength = req.headers['inference-header-content-length'] as string | undefined;
    const jsonEnd = headerLength === undefined ? body.byteLength : Number(headerLength);
    const json = JSON.parse(body.subarray(0, jsonEnd).toString()) as SeenRequest['json'] & {
      inputs: { shape: number[]; data?: number[] }[];
      outputs?: { name: string; parameters?: { binary_data?: boolean } }[];
    };
    state.seen.push({ headerLength, json });
    for (const wait of waiting.filter((w) => w.count <= state.seen.length)) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
    const behaviour = state.behaviour;
    if (behaviour === 'slow') {
      res.once('close', () => onAbandoned());
      return;
    }
    if (behaviour === 'drop-connection') {
      req.socket.destroy();
      return;
    }
    if (behaviour === 'refuse-400') return send(400, { error: 'input x: the doubler is tired' });
    const input = json.inputs[0]!;
    const size = input.parameters?.binary_data_size as number | undefined;
    const x =
      size === undefined
        ? Float32Array.from(input.data!)
        : new Float32Array(new Uint8Array(body.subarray(jsonEnd, jsonEnd + size)).buffer);
    const y = x.map((v) => 2 * v);
    const datatype = behaviour === 'wrong-datatype' ? 'INT32' : 'FP32';
    if (json.outputs?.[0]?.parameters?.binary_data) {
      let bytes = Buffer.from(y.buffer);
      if (behaviour === 'short-binary-reply') bytes = bytes.subarray(4);
      return send(
        200,
        {
          model_name: 'doubler',
          outputs: [
            {
              name: 'y',
              datatype,
              shape: input.shape,
              parameters: { binary_data_size: bytes.byteLength },
            },
          ],
        },
        bytes,
      );
    }
    return send(200, {
      model_name: 'doubler',
      outputs: [{ name: 'y', datatype, shape: input.shape, data: Array.from(y) }],
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handle: IndependentServer = {
    url: `http://127.0.0.1:${port}`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    seen: state.seen,
    received: (count) =>
      count <= state.seen.length
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    abandoned,
    kill: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  open.push(handle);
  return handle;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.kill()));
});
