/**
 * Several ways measured in blocks, one block per way in each round, the order rotating between
 * rounds (round r starts with way r mod n), so that each way runs first, second and last equally
 * often when the rounds are a multiple of the ways: a drift of the machine's speed, or what one
 * way leaves in the caches for the next, falls on every way alike.
 */
export async function inTurns<B>(
  ways: readonly (() => Promise<unknown>)[],
  rounds: number,
  block: (way: () => Promise<unknown>) => Promise<B>,
): Promise<B[][]> {
  const blocks: B[][] = ways.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let w = 0; w < ways.length; w++) {
      const which = (w + round) % ways.length;
      blocks[which]!.push(await block(ways[which]!));
    }
  }
  return blocks;
}
