import { ActorStoppedError, type RoundtableError } from '../../errors.js';
import type { DecoderReplica, ReplicaCore } from './decoder-replica.js';
import type { SequenceTable } from './sequence-table.js';

/**
 * The replica a new sequence is pinned to: the live worker holding the fewest open sequences.
 * While every replica is being restarted it waits for the first back; once the decoder stopped
 * (`stopped` says why) it throws that.
 */
export async function pickReplica(
  actor: string,
  replicas: readonly ReplicaCore[],
  sequences: SequenceTable,
  stopped: () => RoundtableError | undefined,
): Promise<DecoderReplica> {
  for (;;) {
    if (stopped()) throw stopped();
    let best: DecoderReplica | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const core of replicas) {
      const replica = core.current;
      if (!replica) continue;
      const count = sequences.pinnedTo(replica);
      if (count < fewest) {
        fewest = count;
        best = replica;
      }
    }
    if (best) return best;
    // Every replica is being restarted: wait for the first back (or for the decoder to stop).
    const upcoming = replicas.flatMap((core) => (core.upcoming ? [core.upcoming] : []));
    if (upcoming.length === 0)
      throw stopped() ?? new ActorStoppedError(`decoder "${actor}" has no replica`);
    await Promise.race(upcoming).catch(() => undefined);
  }
}
