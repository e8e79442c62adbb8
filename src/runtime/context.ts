import type { EventEmitter } from 'eventemitter3';
import type { SlabExchange } from '../actor/slab-exchange.js';
import type { Arena } from '../tensor/index.js';
import type { RuntimeEvents } from './events.js';

/** What an actor needs from the runtime that owns it. */
export interface ActorContext {
  readonly arena: Arena;
  readonly slabs: SlabExchange;
  readonly events: EventEmitter<RuntimeEvents>;
}
