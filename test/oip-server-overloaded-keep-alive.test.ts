import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MailboxFullError } from '../src/errors.js';
import type { HostedModel } from '../src/serve/hosted-actors.js';
import { startOipHttpServer } from '../src/serve/http/oip-http-server.js';
import { startRuntime } from './support/runtime.js';

/** A hosted model whose mailbox is always full, as a model actor's is under too much load. */
const overloaded: HostedModel = {
  name: 'busy',
  kind: 'actor',
  inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
  ready: () => true,
  run: () => Promise.reject(new MailboxFullError('mailbox of actor "busy" is full (capacity 1)')),
};

function post(agent: Agent, url: string, body: string) {
  return new Promise<{ status: number; text: string; reused: boolean }>((resolve, reject) => {
    const req = request(`${url}/v2/models/busy/infer`, { method: 'POST', agent }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the Open Inference Protocol server, under load', () => {
  it('answers 503 with the mailbox error, and keeps the connection alive for the next request', async () => {
    const runtime = await startRuntime();
    const server = await startOipHttpServer(runtime, { models: new Map([['busy', overloaded]]) });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = JSON.stringify({
        inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }],
      });
      const first = await post(agent, server.url, body);
      const second = await post(agent, server.url, body);

      expect(first.status).toBe(503);
      expect(JSON.parse(first.text)).toEqual({
        error: 'mailbox of actor "busy" is full (capacity 1)',
      });
      expect(second.status).toBe(503);
      expect(second.reused).toBe(true);
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
