/**
 * The options of the runtime's public methods, checked at the door (see src/actor/arguments.ts):
 * each check reads the fields it knows once and refuses a wrong one with an ArgumentError naming
 * it. Fields it does not know are left to the method, which ignores them.
 */

import {
  callOptions,
  field,
  integer,
  name,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalOneOf,
  optionalTimeout,
  options,
  record,
  refuse,
  tokenIds,
} from '../actor/arguments.js';
import { checkRestart } from '../actor/check-restart.js';
import { STRATEGIES } from '../actor/supervision/strategy.js';
import type { SupervisorOptions } from '../actor/supervision/supervisor.js';
import { faultInjectionOf, withFaultInjection } from '../engines/onnx/fault-injection.js';
import type { GenerateOptions } from '../plan-runner/generate.js';
import type { RunOptions } from '../plan-runner/run-rounds.js';

/**
 * `argument` read once into a copy of its own fields (undefined: no fields), so that what is
 * checked is what the method is given.
 */
export { checkRestart };

function copyOf(where: string, argument: string, value: unknown): Record<string, unknown> {
  return value === undefined ? {} : record(where, argument, options(where, argument, value));
}

const finiteAtLeast0 = (n: number) => Number.isFinite(n) && n >= 0;

function checkMailbox(where: string, value: unknown): unknown {
  if (value === undefined) return value;
  const copy = copyOf(where, 'options.mailbox', value);
  optionalInteger(where, 'options.mailbox.capacity', copy.capacity, 1);
  optionalOneOf(where, 'options.mailbox.overflow', copy.overflow, ['reject', 'wait']);
  return copy;
}

/** An object passed on as it is (its fields are the engine's to check), or undefined. */
function optionalObject(where: string, argument: string, value: unknown): unknown {
  return value === undefined ? value : copyOf(where, argument, value);
}

export function checkModelOptions<T>(where: string, value: T): T {
  const copy = copyOf(where, 'options', value);
  const model = copy.model;
  if (!(model instanceof Uint8Array) && (typeof model !== 'string' || model === ''))
    refuse(where, 'options.model', "a model file's path or its bytes (a Uint8Array)", model);
  optionalInteger(where, 'options.replicas', copy.replicas, 1);
  copy.mailbox = checkMailbox(where, copy.mailbox);
  copy.sessionOptions = optionalObject(where, 'options.sessionOptions', copy.sessionOptions);
  copy.resourceLimits = optionalObject(where, 'options.resourceLimits', copy.resourceLimits);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  if (copy.batching !== undefined) {
    const batch = copyOf(where, 'options.batching', copy.batching);
    integer(where, 'options.batching.maxBatch', batch.maxBatch, 1);
    if (typeof batch.maxDelayMs !== 'number' || !finiteAtLeast0(batch.maxDelayMs))
      refuse(where, 'options.batching.maxDelayMs', 'a finite number ≥ 0', batch.maxDelayMs);
    copy.batching = batch;
  }
  optionalOneOf(where, 'options.hotPath', copy.hotPath, ['doorbell', 'message']);
  return keepFaultInjection(value, withoutUndefined(copy)) as T;
}

export function checkDecoderOptions<T>(where: string, value: T): T {
  const copy = copyOf(where, 'options', value);
  if (typeof copy.folder !== 'string' || copy.folder === '')
    copy.folder = folderRead(where, copy.folder);
  optionalInteger(where, 'options.replicas', copy.replicas, 1);
  optionalInteger(where, 'options.budgetBytes', copy.budgetBytes, 1);
  optionalTimeout(where, 'options.idleMs', copy.idleMs);
  optionalInteger(where, 'options.capacity', copy.capacity, 1);
  optionalInteger(where, 'options.intraOpNumThreads', copy.intraOpNumThreads, 0);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  return keepFaultInjection(value, withoutUndefined(copy)) as T;
}

export function checkCustomOptions<T>(where: string, value: T): T {
  const copy = copyOf(where, 'options', value);
  const module = copy.module;
  if (!(module instanceof URL) && (typeof module !== 'string' || module === ''))
    refuse(where, 'options.module', "a module's URL or path", module);
  if (copy.export !== undefined) name(where, 'options.export', copy.export);
  optionalTimeout(where, 'options.timeout', copy.timeout);
  optionalTimeout(where, 'options.startTimeout', copy.startTimeout);
  copy.resourceLimits = optionalObject(where, 'options.resourceLimits', copy.resourceLimits);
  copy.restart = checkRestart(where, 'options.restart', copy.restart);
  if (copy.mailbox !== undefined) {
    const mailbox = copyOf(where, 'options.mailbox', copy.mailbox);
    optionalInteger(where, 'options.mailbox.capacity', mailbox.capacity, 1);
    copy.mailbox = mailbox;
  }
  return withoutUndefined(copy) as T;
}

export function checkRemoteOptions<T>(where: string, value: T): T {
  const copy = copyOf(where, 'options', value);
  const url = copy.url;
  if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).protocol !== 'http:')
    refuse(where, 'options.url', 'an http:// URL', url);
  name(where, 'options.model', copy.model);
  if (copy.version !== undefined) name(where, 'options.version', copy.version);
  optionalTimeout(where, 'options.timeout', copy.timeout);
  optionalBoolean(where, 'options.binary', copy.binary);
  return withoutUndefined(copy) as T;
}

export function checkNatsOptions<T>(where: string, value: T): T {
  const copy = copyOf(where, 'options', value);
  const connection = copy.connection;
  if (
    typeof connection !== 'object' ||
    connection === null ||
    typeof field(where, 'options.connection.request', connection, 'request') !== 'function'
  )
    refuse(where, 'options.connection', 'a NATS connection', connection);
  for (const key of ['actor', 'prefix'])
    if (copy[key] !== undefined) name(where, `options.${key}`, copy[key]);
  for (const key of ['timeout', 'livenessMs', 'readyTimeout'])
    optionalTimeout(where, `options.${key}`, copy[key]);
  return withoutUndefined(copy) as T;
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

/** Fields given as undefined are left out, as if not given (`exactOptionalPropertyTypes`). */
function withoutUndefined(copy: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy;
}

/** A plan run's options, read once into a copy. */
export function checkRunOptions(where: string, value: unknown): RunOptions {
  const call = callOptions(where, value);
  const retries = optionalInteger(
    where,
    'options.retries',
    copyOf(where, 'options', value).retries,
    0,
  );
  return { ...call, ...(retries !== undefined ? { retries } : {}) };
}

export function checkSupervisorOptions(where: string, value: unknown): SupervisorOptions {
  const copy = copyOf(where, 'options', value);
  optionalOneOf(where, 'options.strategy', copy.strategy, STRATEGIES);
  if (copy.strategy === undefined)
    refuse(where, 'options.strategy', `one of ${STRATEGIES.join(', ')}`, undefined);
  checkRestart(where, 'options', copy);
  const children = copy.children;
  if (!Array.isArray(children) || children.length === 0)
    refuse(where, 'options.children', 'a non-empty array of actor names', children);
  const names = children.map((child, i) => name(where, `options.children[${i}]`, child));
  return { ...withoutUndefined(copy), children: names } as unknown as SupervisorOptions;
}

/** Generation's options, read once into a copy. */
export function checkGenerateOptions(where: string, value: unknown): GenerateOptions {
  const given = copyOf(where, 'options', value);
  const read = (key: string) => given[key];
  const copy: Record<string, unknown> = {};
  const keep = (key: string, checked: unknown) => {
    if (checked !== undefined) copy[key] = checked;
  };
  keep('maxLength', optionalInteger(where, 'options.maxLength', read('maxLength'), 1));
  keep('numBeams', optionalInteger(where, 'options.numBeams', read('numBeams'), 1));
  keep(
    'lengthPenalty',
    optionalNumber(
      where,
      'options.lengthPenalty',
      read('lengthPenalty'),
      'a finite number',
      Number.isFinite,
    ),
  );
  const early = read('earlyStopping');
  if (early !== undefined && typeof early !== 'boolean' && early !== 'never')
    refuse(where, 'options.earlyStopping', "true, false or 'never'", early);
  keep('earlyStopping', early);
  keep(
    'numReturnSequences',
    optionalInteger(where, 'options.numReturnSequences', read('numReturnSequences'), 1),
  );
  for (const key of ['eos', 'source']) {
    const ids = read(key);
    if (ids !== undefined) keep(key, tokenIds(where, `options.${key}`, ids));
  }
  keep(
    'fusion',
    optionalOneOf(where, 'options.fusion', read('fusion'), ['log-linear', 'log-mean']),
  );
  const weights = read('weights');
  if (weights !== undefined) {
    if (!Array.isArray(weights))
      refuse(where, 'options.weights', 'an array of numbers ≥ 0', weights);
    keep(
      'weights',
      weights.map((w, i) => {
        if (typeof w !== 'number' || !finiteAtLeast0(w))
          refuse(where, `options.weights[${i}]`, 'a finite number ≥ 0', w);
        return w;
      }),
    );
  }
  return copy as GenerateOptions;
}

/** The copy keeps the symbol-keyed test hook (engines/onnx/fault-injection.ts) that the original had. */
function keepFaultInjection(original: unknown, copy: object): object {
  return faultInjectionOf(original as object) ? withFaultInjection(copy) : copy;
}
