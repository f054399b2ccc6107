// The projector's memory of operation states between batches, so a batch reads from Postgres only the
// operations it has not seen lately. Valid per partition only while the partition's writer token (set
// to a fresh random value by every write of its rows, see projection_position.writer_token) is the one
// this projector wrote last: any other writer (another projector after a rebalance, a dead-letter retry,
// a rebuild's switch-over) changes the token and the partition's states are dropped.
import type { OperationState } from "../core/index.js";

export interface StateCache {
  /** The partition's remembered states if `token` is the one this cache wrote last; else none (and forgets them). */
  lookup(partition: number, token: string | null): Map<string, OperationState> | undefined;
  /** After a committed write that set `token`: remembers these states (newest last) for the partition. */
  remember(partition: number, token: string, states: Iterable<OperationState>): void;
  size(): number;
}

/** An LRU bounded by `capacity` states in all (0: remembers nothing). */
export function createStateCache(capacity: number): StateCache {
  const partitions = new Map<number, { token: string; states: Map<string, OperationState> }>();
  let total = 0;
  const drop = (partition: number) => {
    const p = partitions.get(partition);
    if (p) total -= p.states.size;
    partitions.delete(partition);
  };
  return {
    lookup(partition, token) {
      const p = partitions.get(partition);
      if (!p) return undefined;
      if (token === null || p.token !== token) {
        drop(partition);
        return undefined;
      }
      return p.states;
    },
    remember(partition, token, states) {
      if (capacity <= 0) return;
      let p = partitions.get(partition);
      if (!p || p.token !== token) {
        // A new token is only ever set by this cache's own write, which followed a lookup with the old one.
        p = { token, states: p?.states ?? new Map() };
        partitions.set(partition, p);
      }
      for (const s of states) {
        if (p.states.delete(s.id)) total -= 1;
        p.states.set(s.id, s);
        total += 1;
      }
      // Evict the least recently written, this partition first.
      for (const victim of [p, ...partitions.values()]) {
        for (const id of victim.states.keys()) {
          if (total <= capacity) return;
          victim.states.delete(id);
          total -= 1;
        }
      }
    },
    size: () => total,
  };
}
