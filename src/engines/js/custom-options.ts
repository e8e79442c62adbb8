/**
 * A custom actor's spawn options, checked at the door (see src/actor/arguments.ts) and read once
 * into the copy that is used. Both doors use it: `CustomActor.spawn` called directly, and the
 * runtime's `spawnCustom` (src/runtime/check-options.ts), so the two refuse the same options and
 * a direct call never meets a TypeError from the worker's start.
 */

import {
  name,
  optionalInteger,
  optionalTimeout,
  optionsCopy,
  record,
  refuse,
} from '../../actor/arguments.js';
import { checkRestart } from '../../actor/check-restart.js';

const KNOWN = [
  'module',
  'export',
  'options',
  'timeout',
  'startTimeout',
  'resourceLimits',
  'restart',
  'mailbox',
] as const;

export function checkCustomOptions<T>(where: string, value: T): T {
  const copy = optionsCopy(where, 'options', value, KNOWN);
  const module = copy.module;
  if (!(module instanceof URL) && (typeof module !== 'string' || module === ''))
    refuse(where, 'options.module', "a module's URL or path", module);
  if (copy.export !== undefined) name(where, 'options.export', copy.export);
  optionalTimeout(where, 'options.timeout', copy.timeout);
  optionalTimeout(where, 'options.startTimeout', copy.startTimeout);
  if (copy.resourceLimits !== undefined)
    copy.resourceLimits = record(where, 'options.resourceLimits', copy.resourceLimits);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  if (copy.restart === undefined) delete copy.restart;
  if (copy.mailbox !== undefined) {
    const mailbox = optionsCopy(where, 'options.mailbox', copy.mailbox, ['capacity']);
    optionalInteger(where, 'options.mailbox.capacity', mailbox.capacity, 1);
    copy.mailbox = mailbox;
  }
  return copy as T;
}
