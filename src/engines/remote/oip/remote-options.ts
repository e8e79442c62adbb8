/**
 * A remote model's options, checked at the door (see src/actor/arguments.ts) and read once into
 * the copy that is used, by `RemoteModel.connect` called directly and by the runtime's
 * `addRemoteModel` (src/runtime/check-options.ts) alike.
 */

import {
  name,
  optionalBoolean,
  optionalTimeout,
  optionsRecord,
  refuse,
  withoutUndefined,
} from '../../../actor/arguments.js';

export function checkRemoteOptions<T>(where: string, value: T): T {
  const copy = optionsRecord(where, 'options', value);
  const url = copy.url;
  if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).protocol !== 'http:')
    refuse(where, 'options.url', 'an http:// URL', url);
  name(where, 'options.model', copy.model);
  if (copy.version !== undefined) name(where, 'options.version', copy.version);
  optionalTimeout(where, 'options.timeout', copy.timeout);
  optionalBoolean(where, 'options.binary', copy.binary);
  return withoutUndefined(copy) as T;
}
