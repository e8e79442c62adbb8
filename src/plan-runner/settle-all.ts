/**
 * Waits for every step of a round, then fails with the first failure (in step order) if any.
 * `Promise.all` would give up at the first failure while the other steps still run: their
 * answers would arrive after the round released what it owns (leaking their outputs), and their
 * inputs would be released while they still read them.
 */
export async function settleAll<T>(steps: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(steps);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
