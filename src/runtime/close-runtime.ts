import * as args from '../actor/arguments.js';
import type { RuntimeState } from './runtime-state.js';

/**
 * Closes a runtime once, however often it is asked: new work is refused at once (the admission
 * closes), plan runs in flight get `graceMs`, then the actors, decoders and the fusion actor are
 * closed with what is left of it.
 */
export function closeRuntime(state: RuntimeState, graceMs: number): Promise<void> {
  try {
    args.optionalDelay('Roundtable.close', 'graceMs', graceMs);
  } catch (error) {
    return Promise.reject(error);
  }
  state.context.admission?.close();
  state.closing ??= (async () => {
    const deadline = Date.now() + graceMs;
    if (state.inFlight.size > 0 && graceMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...state.inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const remaining = () => Math.max(0, deadline - Date.now());
    await Promise.all([...state.actors.values()].map((actor) => actor.close(remaining())));
    await Promise.all([...state.decoders.values()].map((decoder) => decoder.close()));
    await state.fusion.close(remaining());
  })();
  return state.closing;
}
