/**
 * The options of the runtime's public methods, checked at the door (see src/util/arguments.ts):
 * each check reads the fields it knows once and refuses a wrong one with an ArgumentError naming
 * it. Fields it does not know are left to the method, which ignores them.
 */
import { STRATEGIES } from '../supervision/strategy.js';
import type { GenerateOptions } from '../supervisor/generate.js';
import type { RunOptions } from '../supervisor/run-rounds.js';
import {
  callOptions,
  field,
  integer,
  name,
  optionalBoolean,
  optionalDelay,
  optionalInteger,
  optionalNumber,
  optionalOneOf,
  optionalTimeout,
  options,
  refuse,
  tokenIds,
} from '../util/arguments.js';

type Read = (key: string) => unknown;

/** Reads `argument`'s fields once each, by key. */
function reader(where: string, argument: string, value: unknown): Read {
  const given = options(where, argument, value);
  return (key) => field(where, `${argument}.${key}`, given, key);
}

const finiteAtLeast0 = (n: number) => Number.isFinite(n) && n >= 0;

export function checkRestart(where: string, argument: string, value: unknown): void {
  if (value === undefined) return;
  const read = reader(where, argument, value);
  optionalInteger(where, `${argument}.maxRestarts`, read('maxRestarts'), 0);
  optionalTimeout(where, `${argument}.withinMs`, read('withinMs'));
  optionalDelay(where, `${argument}.backoffMs`, read('backoffMs'));
  optionalDelay(where, `${argument}.maxBackoffMs`, read('maxBackoffMs'));
  optionalNumber(
    where,
    `${argument}.jitter`,
    read('jitter'),
    'a number from 0 to 1',
    (n) => n >= 0 && n <= 1,
  );
}

function checkMailbox(where: string, value: unknown): void {
  if (value === undefined) return;
  const read = reader(where, 'options.mailbox', value);
  optionalInteger(where, 'options.mailbox.capacity', read('capacity'), 1);
  optionalOneOf(where, 'options.mailbox.overflow', read('overflow'), ['reject', 'wait']);
}

function checkObjectOrUndefined(where: string, argument: string, value: unknown): void {
  if (value !== undefined) options(where, argument, value);
}

export function checkModelOptions(where: string, value: unknown): void {
  const read = reader(where, 'options', value);
  const model = read('model');
  if (!(model instanceof Uint8Array) && (typeof model !== 'string' || model === ''))
    refuse(where, 'options.model', "a model file's path or its bytes (a Uint8Array)", model);
  optionalInteger(where, 'options.replicas', read('replicas'), 1);
  checkMailbox(where, read('mailbox'));
  checkObjectOrUndefined(where, 'options.sessionOptions', read('sessionOptions'));
  checkObjectOrUndefined(where, 'options.resourceLimits', read('resourceLimits'));
  checkRestart(where, 'options.restart', read('restart'));
  const batching = read('batching');
  if (batching !== undefined) {
    const batch = reader(where, 'options.batching', batching);
    integer(where, 'options.batching.maxBatch', batch('maxBatch'), 1);
    const delay = batch('maxDelayMs');
    if (typeof delay !== 'number' || !finiteAtLeast0(delay))
      refuse(where, 'options.batching.maxDelayMs', 'a finite number ≥ 0', delay);
  }
  optionalOneOf(where, 'options.hotPath', read('hotPath'), ['doorbell', 'message']);
  optionalBoolean(where, 'options.faultInjection', read('faultInjection'));
}

export function checkDecoderOptions(where: string, value: unknown): void {
  const read = reader(where, 'options', value);
  const folder = read('folder');
  if (typeof folder !== 'string' || folder === '') {
    if (typeof folder !== 'object' || folder === null || Array.isArray(folder))
      refuse(where, 'options.folder', "a model folder's path or what readModelFolder read", folder);
  }
  optionalInteger(where, 'options.replicas', read('replicas'), 1);
  optionalInteger(where, 'options.budgetBytes', read('budgetBytes'), 1);
  optionalTimeout(where, 'options.idleMs', read('idleMs'));
  optionalInteger(where, 'options.capacity', read('capacity'), 1);
  optionalInteger(where, 'options.intraOpNumThreads', read('intraOpNumThreads'), 0);
  checkRestart(where, 'options.restart', read('restart'));
  optionalBoolean(where, 'options.faultInjection', read('faultInjection'));
}

export function checkCustomOptions(where: string, value: unknown): void {
  const read = reader(where, 'options', value);
  const module = read('module');
  if (!(module instanceof URL) && (typeof module !== 'string' || module === ''))
    refuse(where, 'options.module', "a module's URL or path", module);
  const exported = read('export');
  if (exported !== undefined) name(where, 'options.export', exported);
  optionalTimeout(where, 'options.timeout', read('timeout'));
  optionalTimeout(where, 'options.startTimeout', read('startTimeout'));
  checkObjectOrUndefined(where, 'options.resourceLimits', read('resourceLimits'));
  checkRestart(where, 'options.restart', read('restart'));
  const mailbox = read('mailbox');
  if (mailbox !== undefined)
    optionalInteger(
      where,
      'options.mailbox.capacity',
      reader(where, 'options.mailbox', mailbox)('capacity'),
      1,
    );
}

export function checkRemoteOptions(where: string, value: unknown): void {
  const read = reader(where, 'options', value);
  const url = read('url');
  if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).protocol !== 'http:')
    refuse(where, 'options.url', 'an http:// URL', url);
  name(where, 'options.model', read('model'));
  const version = read('version');
  if (version !== undefined) name(where, 'options.version', version);
  optionalTimeout(where, 'options.timeout', read('timeout'));
  optionalBoolean(where, 'options.binary', read('binary'));
}

export function checkNatsOptions(where: string, value: unknown): void {
  const read = reader(where, 'options', value);
  const connection = read('connection');
  if (
    typeof connection !== 'object' ||
    connection === null ||
    typeof (connection as { request?: unknown }).request !== 'function'
  )
    refuse(where, 'options.connection', 'a NATS connection', connection);
  for (const key of ['actor', 'prefix']) {
    const given = read(key);
    if (given !== undefined) name(where, `options.${key}`, given);
  }
  for (const key of ['timeout', 'livenessMs', 'readyTimeout'])
    optionalTimeout(where, `options.${key}`, read(key));
}

/** A plan run's options, read once into a copy. */
export function checkRunOptions(where: string, value: unknown): RunOptions {
  const call = callOptions(where, value);
  const retries = optionalInteger(
    where,
    'options.retries',
    reader(where, 'options', value)('retries'),
    0,
  );
  return { ...call, ...(retries !== undefined ? { retries } : {}) };
}

export function checkSupervisorOptions(where: string, value: unknown): readonly string[] {
  const read = reader(where, 'options', value);
  optionalOneOf(where, 'options.strategy', read('strategy'), STRATEGIES);
  if (read('strategy') === undefined)
    refuse(where, 'options.strategy', `one of ${STRATEGIES.join(', ')}`, undefined);
  checkRestart(where, 'options', value);
  const children = read('children');
  if (!Array.isArray(children) || children.length === 0)
    refuse(where, 'options.children', 'a non-empty array of actor names', children);
  return children.map((child, i) => name(where, `options.children[${i}]`, child));
}

/** Generation's options, read once into a copy. */
export function checkGenerateOptions(where: string, value: unknown): GenerateOptions {
  const read = reader(where, 'options', value);
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
