/**
 * Supervising actors already spawned (one supervisor per actor) and watching them die: the
 * runtime's part of supervision, over the actors it owns by name.
 */
import * as args from '../actor/arguments.js';
import type { Supervisable } from '../actor/supervision/supervisable.js';
import { Supervisor, type SupervisorOptions } from '../actor/supervision/supervisor.js';
import { ArgumentError, RoundtableError } from '../errors.js';
import { checkSupervisorOptions } from './check-options.js';
import type { ActorStopped, OwnedActor, RuntimeState } from './runtime-state.js';

export function supervise(
  state: RuntimeState,
  name: string,
  options: SupervisorOptions,
): Supervisor {
  state.assertOpen();
  args.name('Roundtable.supervise', 'name', name);
  if (state.supervisors.has(name)) {
    throw new RoundtableError(`a supervisor named "${name}" already exists`);
  }
  const checked = checkSupervisorOptions(`Roundtable.supervise("${name}")`, options);
  const names = checked.children;
  const children = names.map((child) => {
    const actor = state.actors.get(child);
    if (!actor) throw new RoundtableError(`supervisor "${name}": no actor named "${child}"`);
    if (!isSupervisable(actor)) {
      throw new ArgumentError(
        `supervisor "${name}": actor "${child}" cannot be supervised`,
        'options.children',
      );
    }
    if (state.supervised.has(child)) {
      throw new RoundtableError(`supervisor "${name}": actor "${child}" already has a supervisor`);
    }
    return actor;
  });
  if (new Set(names).size !== names.length) {
    throw new RoundtableError(`supervisor "${name}": an actor is listed twice`);
  }
  const supervisor = new Supervisor(name, children, checked, state.events);
  for (const child of names) state.supervised.add(child);
  state.supervisors.set(name, supervisor);
  return supervisor;
}

export function watch(
  state: RuntimeState,
  name: string,
  listener: (event: ActorStopped) => void,
): () => void {
  args.name('Roundtable.watch', 'name', name);
  if (typeof listener !== 'function')
    args.refuse('Roundtable.watch', 'listener', 'a function', listener);
  const stopped = state.stopped.get(name);
  if (stopped) {
    const timer = setImmediate(() => listener(stopped));
    return () => clearImmediate(timer);
  }
  if (!state.actors.has(name) && name !== state.fusion.name) {
    throw new RoundtableError(`no actor named "${name}" to watch`);
  }
  const onStopped = (event: ActorStopped) => {
    if (event.actor !== name) return;
    state.events.off('actor:stopped', onStopped);
    listener(event);
  };
  state.events.on('actor:stopped', onStopped);
  return () => {
    state.events.off('actor:stopped', onStopped);
  };
}

function isSupervisable(actor: OwnedActor): actor is OwnedActor & Supervisable {
  const candidate = actor as Partial<Supervisable>;
  return (
    typeof candidate.superviseBy === 'function' &&
    typeof candidate.restart === 'function' &&
    typeof candidate.stop === 'function'
  );
}
