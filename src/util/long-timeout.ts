/** Longest delay `setTimeout` honours: anything above (or Infinity) fires after about 1 ms. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** A pending timeout; {@link cancel} is safe to call any number of times. */
export interface LongTimeout {
  cancel(): void;
}

/**
 * Calls `fire` once after `ms` milliseconds, for any delay: a delay beyond what one `setTimeout`
 * honours is waited in steps, and `Infinity` never fires. Every call timeout of the runtime goes
 * through here, so none of them can overflow into firing at once.
 */
export function longTimeout(ms: number, fire: () => void): LongTimeout {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const due = Date.now() + ms;
  const arm = (delay: number) => {
    if (delay === Number.POSITIVE_INFINITY) return;
    if (delay > MAX_TIMER_DELAY) {
      timer = setTimeout(() => arm(due - Date.now()), MAX_TIMER_DELAY);
    } else {
      timer = setTimeout(fire, delay);
    }
  };
  arm(ms);
  return {
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
