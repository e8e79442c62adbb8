/**
 * The test hook that lets tests and the soak make an actor's workers fail on purpose
 * (Replica.injectFault, DecoderReplica.injectFault). It is an option keyed by a symbol that only
 * this module exports, so no public type or export of the package names it: a user cannot turn
 * it on by accident, and the options a user reads in the docs are only the ones meant for them.
 */
export const FAULT_INJECTION: unique symbol = Symbol('roundtable.faultInjection');

/** Options of an actor spawned with fault injection on. */
export type FaultInjectable = { readonly [FAULT_INJECTION]?: boolean };

/** `options` with fault injection on: `runtime.spawnModel('m', withFaultInjection({ model }))`. */
export function withFaultInjection<const O extends object>(options: O): O {
  return { ...options, [FAULT_INJECTION]: true };
}

/** Whether `options` turn fault injection on. */
export function faultInjectionOf(options: object): boolean {
  return (options as FaultInjectable)[FAULT_INJECTION] === true;
}
