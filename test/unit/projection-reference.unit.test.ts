// Property tests of the pure projection: for seeded random streams (shuffled, duplicated, interleaved
// over many operations), planning them in arbitrary batches per partition equals the reference fold,
// redelivered batches change nothing, and the fold's rules hold on every operation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isTerminal, statusRank, type OperationObserved, type OperationState } from "../../services/core/index.js";
import { planBatch, type SourceMessage } from "../../services/core/projection.js";
import { referenceStates, sortedEntries } from "../support/projection.js";
import { prng, randomStream } from "../support/random-events.js";

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function partitionOf(operationId: string, partitions: number): number {
  let h = 0;
  for (const c of operationId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % partitions;
}

/** Splits the stream per partition (keyed by operation, as on Kafka), then into random batches. */
function batches(events: OperationObserved[], partitions: number, rnd: () => number): SourceMessage[][] {
  const perPartition: SourceMessage[][] = Array.from({ length: partitions }, () => []);
  for (const e of events) {
    const p = partitionOf(e.data.operationId, partitions);
    perPartition[p]!.push({ topic: "t", partition: p, offset: String(perPartition[p]!.length), value: Buffer.from(JSON.stringify(e)) });
  }
  const out: SourceMessage[][] = [];
  const cursors = perPartition.map(() => 0);
  // Interleave partitions' batches in random order, with random batch sizes.
  while (cursors.some((c, p) => c < perPartition[p]!.length)) {
    const p = Math.floor(rnd() * partitions);
    const msgs = perPartition[p]!;
    if (cursors[p]! >= msgs.length) continue;
    const size = 1 + Math.floor(rnd() * 60);
    out.push(msgs.slice(cursors[p], cursors[p]! + size));
    cursors[p] = cursors[p]! + size;
  }
  return out;
}

/** Applies batches as the writer does (load touched states, plan, store), over an in-memory table. */
function project(all: SourceMessage[][], redeliver: (i: number) => boolean) {
  const table = new Map<string, OperationState>();
  let history = 0;
  let duplicates = 0;
  let dead = 0;
  all.forEach((batch, i) => {
    const plan = planBatch(batch, table, new Date(0));
    for (const [id, s] of plan.operations) table.set(id, s);
    history += plan.history.length;
    duplicates += plan.history.filter((h) => h.duplicate).length;
    dead += plan.deadLetters.length;
    if (redeliver(i)) {
      // A redelivery without the position check: the fold alone must change nothing (same event ids).
      const again = planBatch(batch, table, new Date(0));
      for (const [id, s] of again.operations) assert.deepEqual(s, table.get(id), "a redelivered batch changes no row");
      assert.ok(
        again.history.every((h) => h.duplicate),
        "a redelivered batch is all duplicates",
      );
    }
  });
  return { table, history, duplicates, dead };
}

describe("projection reference (property, seeded)", () => {
  it("when a random stream is planned in random batches per partition, then the states equal the reference fold", () => {
    for (const seed of SEEDS) {
      const events = randomStream({ seed, operations: 1 + (seed % 30), events: 200 + seed * 5 });
      const rnd = prng(seed * 7919);
      const result = project(batches(events, 1 + (seed % 6), rnd), (i) => i % 5 === 0);
      const ordered = batches(events, 1 + (seed % 6), prng(seed * 7919)).flat();
      const topicOrder = ordered.map((m) => JSON.parse(m.value!.toString()) as OperationObserved);
      assert.deepEqual(sortedEntries(result.table), sortedEntries(referenceStates(topicOrder)), `seed ${seed}`);
      assert.equal(result.history + result.dead, events.length, `seed ${seed}: one history row or dead letter per message`);
      assert.equal(result.duplicates, events.length - new Set(events.map((e) => e.meta.eventId)).size, `seed ${seed}: duplicates flagged`);
    }
  });

  it("when any random stream is folded, then every operation obeys the fold's rules", () => {
    for (const seed of SEEDS) {
      const events = randomStream({ seed, operations: 1 + (seed % 25), events: 300 });
      const states = referenceStates(events);
      const byOp = new Map<string, OperationObserved[]>();
      for (const e of events) byOp.set(e.data.operationId, [...(byOp.get(e.data.operationId) ?? []), e]);
      for (const [id, state] of states) {
        const seen = new Map<string, OperationObserved>();
        for (const e of byOp.get(id)!) if (!seen.has(e.meta.eventId)) seen.set(e.meta.eventId, e);
        const distinct = [...seen.values()];
        assert.equal(state.eventCount, distinct.length, `seed ${seed} ${id}: duplicates are not counted`);
        assert.deepEqual(state.eventIds, [...seen.keys()], `seed ${seed} ${id}: event ids in order`);
        const terminals = distinct.map((e) => e.data.status).filter((s): s is string => s !== undefined && isTerminal(s));
        if (terminals.length > 0) {
          assert.equal(state.status, terminals[0], `seed ${seed} ${id}: the first terminal status wins`);
          assert.equal(
            state.conflict,
            terminals.some((t) => t !== terminals[0]),
            `seed ${seed} ${id}: conflict iff another terminal`,
          );
          if (state.conflict)
            assert.equal(
              state.conflictStatus,
              terminals.find((t) => t !== terminals[0]),
            );
        } else {
          // Never terminal: the highest-ranked status seen (forward only); ties keep the earliest.
          const statuses = distinct.map((e) => e.data.status).filter((s): s is string => s !== undefined);
          const first = distinct[0]!.data.status ?? "notStarted";
          const maxRank = Math.max(statusRank(first), ...statuses.map(statusRank));
          assert.equal(statusRank(state.status), maxRank, `seed ${seed} ${id}: status only moves forward`);
          assert.equal(state.outcome, null);
        }
        const times = distinct.map((e) => Date.parse(e.meta.receivedAt));
        assert.equal(state.firstSeenAt.getTime(), Math.min(...times));
        assert.equal(state.lastSeenAt.getTime(), Math.max(...times));
      }
    }
  });
});
