/**
 * The token-by-token entry points: step-synchronous ensemble decoding (a decode plan), speculative
 * decoding with two decoder actors, and generation with decoder actors. Checked at the door.
 */
import * as args from '../actor/arguments.js';
import type { CallOptions } from '../actor/call-options.js';
import type { DecoderActor } from '../engines/decoder/decoder-actor.js';
import { PlanError } from '../errors.js';
import { type GeneratedSequence, type GenerateOptions, generate } from '../plan-runner/generate.js';
import { type DecodeResult, runDecode } from '../plan-runner/run-decode.js';
import {
  type SpeculativeOptions,
  type SpeculativeResult,
  speculate,
} from '../plan-runner/speculative.js';
import type { DecodePlan, Plan, SpeculativePlan } from '../plans/plan.js';
import { checkGenerateOptions } from './check-options.js';
import { validatedPlan } from './plan-validation.js';
import type { RuntimeState } from './runtime-state.js';

export function generateWith(
  state: RuntimeState,
  decoders: string | readonly string[],
  prompt: readonly number[],
  options: GenerateOptions,
): Promise<GeneratedSequence[]> {
  const closed = state.refuse();
  if (closed) return closed;
  const where = 'Roundtable.generate';
  const actors: DecoderActor[] = [];
  let ids: number[];
  let checked: GenerateOptions;
  try {
    const names = typeof decoders === 'string' ? [decoders] : decoders;
    if (!Array.isArray(names) || names.length === 0)
      args.refuse(where, 'decoders', 'a decoder name or a non-empty array of them', decoders);
    for (let i = 0; i < names.length; i++) {
      const argument = typeof decoders === 'string' ? 'decoders' : `decoders[${i}]`;
      const name = args.name(where, argument, args.field(where, argument, names, String(i)));
      const decoder = state.decoders.get(name);
      if (!decoder) throw new PlanError(`no decoder named "${name}"`);
      actors.push(state.admitted(decoder));
    }
    ids = args.tokenIds(where, 'prompt', prompt);
    if (ids.length === 0) args.refuse(where, 'prompt', 'a non-empty array of token ids', prompt);
    checked = checkGenerateOptions(where, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return state.track(() => generate(actors, ids, checked));
}

export function decodeWith(
  state: RuntimeState,
  plan: DecodePlan,
  prompt: readonly number[],
  options: CallOptions,
): Promise<DecodeResult> {
  const closed = state.refuse();
  if (closed) return closed;
  const where = 'Roundtable.decode';
  let valid: Plan;
  let ids: number[];
  let checked: CallOptions;
  try {
    valid = validatedPlan(state.valid, plan, where);
    if (valid.kind !== 'decode')
      throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run()`);
    ids = args.tokenIds(where, 'prompt', prompt);
    checked = args.callOptions(where, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return state.track(() => runDecode(valid as DecodePlan, ids, state.roundsContext(), checked));
}

export function speculateWith(
  state: RuntimeState,
  plan: SpeculativePlan,
  prompt: readonly number[],
  options: SpeculativeOptions,
): Promise<SpeculativeResult> {
  const closed = state.refuse();
  if (closed) return closed;
  let valid: Plan;
  try {
    valid = validatedPlan(state.valid, plan, 'Roundtable.speculate');
    if (valid.kind !== 'speculative')
      throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run()`);
  } catch (error) {
    return Promise.reject(error);
  }
  const checked = valid;
  const draft = state.decoders.get(checked.draft);
  const target = state.decoders.get(checked.target);
  for (const [role, name, decoder] of [
    ['draft', checked.draft, draft],
    ['target', checked.target, target],
  ] as const) {
    if (!decoder)
      return Promise.reject(
        new PlanError(`plan "${checked.name}": no decoder named "${name}" (its ${role})`),
      );
  }
  const { kind: _kind, name: _name, draft: _draft, target: _target, ...settings } = checked;
  return state.track(() =>
    speculate(state.admitted(draft!), state.admitted(target!), prompt, { ...settings, ...options }),
  );
}
