/**
 * The options of the runtime's public methods, checked at the door (see src/actor/arguments.ts):
 * each check reads the fields it knows once and refuses a wrong one with an ArgumentError naming
 * it. Fields it does not know are left to the method, which ignores them.
 */

import {
  callOptions,
  optionsRecord as copyOf,
  name,
  optionalInteger,
  optionalNumber,
  optionalOneOf,
  refuse,
  tokenIds,
  withoutUndefined,
} from '../actor/arguments.js';
import { checkRestart } from '../actor/check-restart.js';
import { STRATEGIES } from '../actor/supervision/strategy.js';
import type { SupervisorOptions } from '../actor/supervision/supervisor.js';
import type { GenerateOptions } from '../plan-runner/generate.js';
import type { RunOptions } from '../plan-runner/run-rounds.js';

// The engines' own spawn checks, which their static spawn/connect also run when called directly:
// one copy of each, used at both doors.
export { checkDecoderOptions } from '../engines/decoder/decoder-options.js';
export { checkCustomOptions } from '../engines/js/custom-options.js';
export { checkModelOptions } from '../engines/onnx/model-options.js';
export { checkNatsOptions } from '../engines/remote/nats/nats-options.js';
export { checkRemoteOptions } from '../engines/remote/oip/remote-options.js';
export { checkRestart };

const finiteAtLeast0 = (n: number) => Number.isFinite(n) && n >= 0;

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
