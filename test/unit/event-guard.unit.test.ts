// The projector's fast path in front of the event schema (services/core/event-guard.ts): it must accept
// what ingest writes, and never accept anything the schema would reject or return changed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventsFromNotificationItem, operationObservedSchema, optrailEventSchema } from "../../services/core/index.js";
import { fastOperationObserved } from "../../services/core/event-guard.js";
import { failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { opEvent } from "../support/events.js";

/** A small deterministic PRNG (mulberry32): the same cases on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events as ingest writes them: every status, with and without resultInfo, tenant and envelope. */
function ingestEvents(): unknown[] {
  const items = [
    ...failedCancelNotification().value,
    ...["notStarted", "running", "completed", "failed"].map((status, i) =>
      operationItem({
        callId: `call-${i}`,
        operationId: `op-${i}`,
        status,
        ...(i > 1 ? { resultInfo: { code: 200 + i, subcode: i, message: `m ${i}` } } : {}),
        extra: { completionReason: "stopToneCompleted", unknownProperty: { nested: [1, 2] } },
      }),
    ),
    { ...operationItem({ callId: "c", operationId: "o", status: "running" }), subscriptionId: "sub-1", tenantId: "tenant-1" },
  ];
  const events: unknown[] = [];
  for (const item of items) {
    const result = eventsFromNotificationItem(item, {
      receivedAt: new Date(Date.UTC(2026, 1, 28, 23, 59, 59, 999)).toISOString(),
      requestId: "r",
      authenticated: true,
      tenantId: "t",
    });
    assert.ok(result.ok);
    // Through JSON, as the projector reads them from the topic.
    for (const e of result.events) events.push(JSON.parse(JSON.stringify(e)));
  }
  events.push(JSON.parse(JSON.stringify(opEvent({ status: "running", clientContext: "ctx", all: false }))));
  return events;
}

const WEIRD: unknown[] = [
  null,
  "",
  "x",
  0,
  1.5,
  -1,
  2 ** 53,
  true,
  [],
  {},
  [1],
  { a: 1 },
  "2026-02-29T00:00:00.000Z",
  "2026-13-01T00:00:00.000Z",
  "2026-01-01T00:00:00Z",
  "2026-01-01T00:00:00.000+01:00",
  "2024-02-29T24:00:00.000Z",
  "2024-02-29T23:59:59.999Z",
  "2000-02-29T00:00:00.000Z",
  "1900-02-29T00:00:00.000Z",
  "2026-04-31T00:00:00.000Z",
  "2026-00-10T00:00:00.000Z",
  "2026-01-00T00:00:00.000Z",
  "2026-12-31T23:60:00.000Z",
  "2026-12-31T23:59:60.000Z",
  "0000-01-01T00:00:00.000Z",
  "notification",
  "OperationObserved",
];

/** Every path to a value inside the event (objects and arrays). */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== "object" || v === null) return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** A copy of the event with one random change: a value replaced, a key removed or an unknown key added. */
function mutate(event: unknown, random: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(random() * all.length)]!;
  let parent: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const r = random();
  if (r < 0.2 && !Array.isArray(parent)) delete parent[key];
  else if (r < 0.3 && typeof parent === "object" && !Array.isArray(parent)) {
    // An extra key beside it; sometimes "__proto__", made an own property as JSON.parse makes it (below).
    parent[random() < 0.5 ? "extraKey" : PROTO] = { polluted: true };
  } else parent[key] = WEIRD[Math.floor(random() * WEIRD.length)];
  return JSON.parse(JSON.stringify(copy).replaceAll(`"${PROTO}"`, '"__proto__"'));
}
const PROTO = "__proto_placeholder__";

describe("event fast path", () => {
  it("when ingest's own events are read back, then the fast path takes every operation event, equal to the schema's output", () => {
    const events = ingestEvents().filter((e) => (e as { type: string }).type === "OperationObserved");
    assert.ok(events.length >= 7);
    for (const e of events) {
      const fast = fastOperationObserved(e);
      assert.ok(fast, JSON.stringify(e));
      assert.deepStrictEqual(fast, operationObservedSchema.parse(e));
    }
  });

  it("when 20,000 mutated events are checked, then whatever the fast path takes the schema takes, unchanged", () => {
    const random = rng(20261205);
    const base = ingestEvents();
    let taken = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      let e = base[i % base.length];
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) e = mutate(e, random);
      const fast = fastOperationObserved(e);
      const schema = optrailEventSchema.safeParse(e);
      if (fast === undefined) {
        if (!schema.success) refused += 1;
        continue;
      }
      taken += 1;
      assert.ok(schema.success, `the fast path took what the schema refuses: ${JSON.stringify(e)}`);
      assert.deepStrictEqual(schema.data, fast, `the schema changes what the fast path took: ${JSON.stringify(e)}`);
    }
    // Both halves were exercised: many mutants are still valid, many are not.
    assert.ok(taken > 2_000, `taken ${taken}`);
    assert.ok(refused > 2_000, `refused ${refused}`);
  });

  it("when an event is not an operation event, has an unknown key or an offset time, then the fast path leaves it to the schema", () => {
    const op = JSON.parse(JSON.stringify(opEvent({ status: "running" }))) as Record<string, Record<string, unknown>>;
    assert.ok(fastOperationObserved(op));
    assert.equal(fastOperationObserved({ ...op, type: "CallResourceObserved" }), undefined);
    assert.equal(fastOperationObserved({ ...op, extra: 1 }), undefined);
    assert.equal(fastOperationObserved({ ...op, meta: { ...op.meta, receivedAt: "2026-01-01T01:00:00.000+01:00" } }), undefined);
    assert.equal(fastOperationObserved({ ...op, data: { ...op.data, resultInfo: { code: 1.5 } } }), undefined);
  });
});
