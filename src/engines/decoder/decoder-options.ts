/**
 * A decoder actor's spawn options, checked at the door (see src/actor/arguments.ts) and read once
 * into the copy that is used. Both doors use it: `DecoderActor.spawn` called directly, and the
 * runtime's `spawnDecoder` (src/runtime/check-options.ts), so the two refuse the same options.
 */

import {
  optionalInteger,
  optionalReplicas,
  optionalTimeout,
  optionsRecord,
  record,
  refuse,
  withoutUndefined,
} from '../../actor/arguments.js';
import { checkRestart } from '../../actor/check-restart.js';
import { keepFaultInjection } from '../onnx/model-options.js';

export function checkDecoderOptions<T>(where: string, value: T): T {
  const copy = optionsRecord(where, 'options', value);
  if (typeof copy.folder !== 'string' || copy.folder === '')
    copy.folder = folderRead(where, copy.folder);
  optionalReplicas(where, 'options.replicas', copy.replicas);
  optionalInteger(where, 'options.budgetBytes', copy.budgetBytes, 1);
  optionalTimeout(where, 'options.idleMs', copy.idleMs);
  optionalInteger(where, 'options.capacity', copy.capacity, 1);
  optionalInteger(where, 'options.intraOpNumThreads', copy.intraOpNumThreads, 0);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  return keepFaultInjection(value, withoutUndefined(copy)) as T;
}

/**
 * A folder as readModelFolder returned it, cloned (it goes to the workers as it is): an object
 * with the fields every layout has.
 */
function folderRead(where: string, folder: unknown): unknown {
  const expected = "a model folder's path, or what readModelFolder returned";
  if (typeof folder !== 'object' || folder === null || Array.isArray(folder))
    refuse(where, 'options.folder', expected, folder);
  let clone: Record<string, unknown>;
  try {
    clone = structuredClone(record(where, 'options.folder', folder));
  } catch {
    return refuse(where, 'options.folder', `${expected} (it cannot be cloned)`, folder);
  }
  const { dir, layout, decoder, eos, search } = clone;
  if (
    typeof dir !== 'string' ||
    typeof layout !== 'string' ||
    typeof decoder !== 'string' ||
    !Array.isArray(eos) ||
    typeof search !== 'object' ||
    search === null
  )
    refuse(where, 'options.folder', expected, folder);
  return clone;
}
