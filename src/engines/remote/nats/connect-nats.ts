import { connect, type NatsConnection } from '@nats-io/transport-node';
import { text } from '../../../actor/arguments.js';
import { ArgumentError, RemoteUnavailableError } from '../../../errors.js';

/**
 * Connects to a NATS server for the command line: reconnecting for ever (a server restart is an
 * outage, not the end), a typed error naming the URL when it cannot connect at all.
 */
export async function connectNats(url: string, name = 'roundtable'): Promise<NatsConnection> {
  // An empty URL would connect to the client's default server (localhost:4222) without a word.
  if (text('connectNats', 'url', url).trim() === '')
    throw new ArgumentError('connectNats: url must be a NATS server URL, got ""', 'url');
  try {
    return await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (error) {
    throw new RemoteUnavailableError(
      `cannot connect to the NATS server at ${url}: ${(error as Error).message}`,
    );
  }
}
