import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RemoteUnavailableError } from '../../../errors.js';

/**
 * Connects to a NATS server for the command line: reconnecting for ever (a server restart is an
 * outage, not the end), a typed error naming the URL when it cannot connect at all.
 */
export async function connectNats(url: string, name = 'roundtable'): Promise<NatsConnection> {
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
