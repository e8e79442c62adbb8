import { type Agent, request } from 'node:http';
import { armDeadline, type Deadline, disarmDeadline } from '../../../actor/core/deadline.js';
import {
  AbortError,
  ActorCrashedError,
  RemoteUnavailableError,
  TimeoutError,
} from '../../../errors.js';

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly agent: Agent;
  /** Names the remote model in error messages, e.g. `remote model "clf" (http://host:8000, model "m")`. */
  readonly who: string;
  readonly body?: Buffer;
  readonly headers?: Record<string, string | number>;
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

/**
 * One HTTP exchange with a model server, answered exactly once: the reply, or a typed error. A
 * server that cannot be reached is RemoteUnavailableError; one that drops the connection after
 * taking the request is ActorCrashedError (like a worker dying mid-call); past the timeout,
 * TimeoutError; through the signal, AbortError (both armed through the actor core's deadline.ts,
 * so a timeout of any length is honoured). Timeout and abort destroy the request, so the server
 * sees the caller leave. A remote model's calls are settled by its CallLedger, which aborts
 * them through `signal`; the handshake at start uses `timeout` here.
 */
export function httpCall(call: HttpCall): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    if (call.signal?.aborted) {
      reject(new AbortError(`${call.who}: the call was aborted before it was sent`));
      return;
    }
    let settled = false;
    const deadline: Deadline = { timer: undefined, signal: undefined, onAbort: undefined };
    const settle = (error: Error | undefined, reply?: HttpReply) => {
      if (settled) return;
      settled = true;
      disarmDeadline(deadline);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(reply!);
    };
    const req = request(call.url, {
      method: call.method,
      agent: call.agent,
      headers: {
        ...(call.body ? { 'content-length': call.body.byteLength } : {}),
        ...call.headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        settle(undefined, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', (error) => settle(lost(call, error)));
      res.on('close', () => {
        if (!res.complete) settle(lost(call, new Error('the reply was cut off')));
      });
    });
    req.on('error', (error) =>
      settle(NEVER_CONNECTED.has(codeOf(error)) ? unreachable(call, error) : lost(call, error)),
    );
    armDeadline(
      deadline,
      call.timeout,
      call.signal,
      () => settle(new TimeoutError(`${call.who}: no reply within ${call.timeout} ms`)),
      () => settle(new AbortError(`${call.who}: the call was aborted`)),
    );
    req.end(call.body);
  });
}

/** Errors of a connection that never opened; any other means it was lost after. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ETIMEDOUT',
]);

function codeOf(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function unreachable(call: HttpCall, error: Error): Error {
  return new RemoteUnavailableError(
    `${call.who}: cannot reach ${call.url.origin}: ${codeOf(error)}`,
  );
}

function lost(call: HttpCall, error: Error): Error {
  return new ActorCrashedError(
    `${call.who}: the server dropped the connection before answering (${codeOf(error)})`,
  );
}
