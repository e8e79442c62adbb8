/**
 * comlink over a worker_threads `MessagePort`, with the runtime's own messages beside it.
 *
 * comlink ships a node adapter, but it cannot be imported with types under NodeNext (no
 * `.d.mts` next to `node-adapter.mjs`), and the runtime needs three things it lacks: slab
 * announcements taken off the port before comlink sees them, a reply that structured clone
 * refuses answered with an error instead of nothing, and a synchronous drain of replies already
 * queued when the worker dies.
 */
import { type MessagePort, receiveMessageOnPort, type Transferable } from 'node:worker_threads';
import type { Endpoint } from 'comlink';
import { isSlabAnnouncement, type SlabAnnouncement, UNCLONABLE_REPLY } from './custom-protocol.js';

type Listener = Parameters<Endpoint['addEventListener']>[1];

export interface ActorPort extends Endpoint {
  /** Posts a runtime message (not comlink's) on the port. */
  announce(message: SlabAnnouncement): void;
  /** Hands every message already queued on the port to its listeners, synchronously. */
  drain(): void;
  close(): void;
}

/**
 * @param onSlab called for each slab announcement, before any later message on the port.
 * @param side on the worker side, a message structured clone refuses is a reply, and is answered
 *   with the reason instead; on the caller side the error is thrown to the call that sent it.
 */
export function actorPort(
  port: MessagePort,
  onSlab: (message: SlabAnnouncement) => void,
  side: 'caller' | 'worker',
): ActorPort {
  const listeners = new Set<Listener>();

  const deliver = (data: unknown) => {
    if (isSlabAnnouncement(data)) {
      onSlab(data);
      return;
    }
    for (const listener of listeners) {
      if (typeof listener === 'function') listener({ data } as MessageEvent);
      else listener.handleEvent({ data } as MessageEvent);
    }
  };
  port.on('message', deliver);

  return {
    postMessage(message: { id?: unknown }, transfer?: Transferable[]) {
      try {
        port.postMessage(message, transfer);
      } catch (error) {
        // comlink answers a failed reply with a bare "Unserializable return value"; answer with
        // structured clone's own reason instead, marked so the caller knows it was the reply.
        if (side === 'caller' || !isCloneError(error) || message.id === undefined) throw error;
        port.postMessage({
          id: message.id,
          type: 'HANDLER',
          name: 'throw',
          value: {
            isError: true,
            value: { name: 'DataCloneError', message: error.message, marker: UNCLONABLE_REPLY },
          },
        });
      }
    },
    addEventListener(_type: string, listener: Listener) {
      listeners.add(listener);
    },
    removeEventListener(_type: string, listener: Listener) {
      listeners.delete(listener);
    },
    announce(message: SlabAnnouncement) {
      port.postMessage(message);
    },
    drain() {
      for (let entry = receiveMessageOnPort(port); entry; entry = receiveMessageOnPort(port)) {
        deliver(entry.message);
      }
    },
    close() {
      port.close();
    },
  };
}

export function isCloneError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'DataCloneError';
}
