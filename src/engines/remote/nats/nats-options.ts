/**
 * A NATS actor's options, checked at the door (see src/actor/arguments.ts) and read once into the
 * copy that is used, by `NatsActor.connect` called directly and by the runtime's `addNatsActor`
 * (src/runtime/check-options.ts) alike.
 */

import {
  field,
  name,
  optionalNumber,
  optionalTimeout,
  optionsRecord,
  refuse,
  withoutUndefined,
} from '../../../actor/arguments.js';
import { MAX_TIMER_DELAY } from '../../../util/long-timeout.js';
import { isSubjectPrefix, isSubjectToken } from './nats-protocol.js';

export function checkNatsOptions<T>(where: string, value: T): T {
  const copy = optionsRecord(where, 'options', value);
  const connection = copy.connection;
  if (
    typeof connection !== 'object' ||
    connection === null ||
    typeof field(where, 'options.connection.request', connection, 'request') !== 'function'
  )
    refuse(where, 'options.connection', 'a NATS connection', connection);
  if (copy.actor !== undefined && !isSubjectToken(name(where, 'options.actor', copy.actor)))
    refuse(where, 'options.actor', "a NATS subject token (no '.', '*', '>' or spaces)", copy.actor);
  if (copy.prefix !== undefined && !isSubjectPrefix(name(where, 'options.prefix', copy.prefix)))
    refuse(where, 'options.prefix', 'dot-separated NATS subject tokens', copy.prefix);
  // Timeouts follow the runtime's rule (> 0; longer than one setTimeout, or Infinity, honoured).
  optionalTimeout(where, 'options.timeout', copy.timeout);
  optionalTimeout(where, 'options.readyTimeout', copy.readyTimeout);
  // livenessMs is not a timeout but the period of a setInterval, which fires every millisecond
  // past MAX_TIMER_DELAY (or at Infinity): a period it cannot hold is refused, not turned into a
  // probe per millisecond.
  optionalNumber(
    where,
    'options.livenessMs',
    copy.livenessMs,
    `a number of milliseconds > 0 and ≤ ${MAX_TIMER_DELAY}`,
    (n) => n > 0 && n <= MAX_TIMER_DELAY,
  );
  return withoutUndefined(copy) as T;
}

/** The actor's local name, when it is also its name on the servers (no `options.actor`). */
export function checkNatsName(where: string, actor: string, options: { actor?: string }): void {
  name(where, 'name', actor);
  if (options.actor === undefined && !isSubjectToken(actor))
    refuse(
      where,
      'name',
      "a NATS subject token (no '.', '*', '>' or spaces), or give options.actor",
      actor,
    );
}
