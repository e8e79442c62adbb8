/**
 * A model actor's spawn options, checked at the door (see src/actor/arguments.ts) and read once
 * into the copy that is used. Both doors use it: `ModelActor.spawn` called directly, and the
 * runtime's `spawnModel` (src/runtime/check-options.ts), so the two refuse the same options.
 */

import {
  integer,
  optionalInteger,
  optionalOneOf,
  optionalReplicas,
  optionsRecord,
  refuse,
  withoutUndefined,
} from '../../actor/arguments.js';
import { checkRestart } from '../../actor/check-restart.js';
import { faultInjectionOf, withFaultInjection } from './fault-injection.js';

const finiteAtLeast0 = (n: number) => Number.isFinite(n) && n >= 0;

function checkMailbox(where: string, value: unknown): unknown {
  if (value === undefined) return value;
  const copy = optionsRecord(where, 'options.mailbox', value);
  optionalInteger(where, 'options.mailbox.capacity', copy.capacity, 1);
  optionalOneOf(where, 'options.mailbox.overflow', copy.overflow, ['reject', 'wait']);
  return copy;
}

/** An object passed on as it is (its fields are the engine's to check), or undefined. */
function optionalObject(where: string, argument: string, value: unknown): unknown {
  return value === undefined ? value : optionsRecord(where, argument, value);
}

export function checkModelOptions<T>(where: string, value: T): T {
  const copy = optionsRecord(where, 'options', value);
  const model = copy.model;
  if (!(model instanceof Uint8Array) && (typeof model !== 'string' || model === ''))
    refuse(where, 'options.model', "a model file's path or its bytes (a Uint8Array)", model);
  optionalReplicas(where, 'options.replicas', copy.replicas);
  copy.mailbox = checkMailbox(where, copy.mailbox);
  copy.sessionOptions = optionalObject(where, 'options.sessionOptions', copy.sessionOptions);
  copy.resourceLimits = optionalObject(where, 'options.resourceLimits', copy.resourceLimits);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  if (copy.batching !== undefined) {
    const batch = optionsRecord(where, 'options.batching', copy.batching);
    integer(where, 'options.batching.maxBatch', batch.maxBatch, 1);
    if (typeof batch.maxDelayMs !== 'number' || !finiteAtLeast0(batch.maxDelayMs))
      refuse(where, 'options.batching.maxDelayMs', 'a finite number ≥ 0', batch.maxDelayMs);
    copy.batching = batch;
  }
  optionalOneOf(where, 'options.hotPath', copy.hotPath, ['doorbell', 'message']);
  return keepFaultInjection(value, withoutUndefined(copy)) as T;
}

/** The copy keeps the symbol-keyed test hook (fault-injection.ts) that the original had. */
export function keepFaultInjection(original: unknown, copy: object): object {
  return faultInjectionOf(original as object) ? withFaultInjection(copy) : copy;
}
