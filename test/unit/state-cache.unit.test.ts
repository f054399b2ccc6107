import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OperationState } from "../../services/core/index.js";
import { createStateCache } from "../../services/projector/state-cache.js";

const state = (id: string, status = "running"): OperationState => ({
  id,
  callId: "call-1",
  tenantId: null,
  type: "playPromptOperation",
  status,
  outcome: null,
  clientContext: null,
  resultCode: null,
  resultSubcode: null,
  resultMessage: null,
  all: null,
  completionReason: null,
  conflict: false,
  conflictStatus: null,
  firstSeenAt: new Date(0),
  lastSeenAt: new Date(0),
  lastChangedAt: new Date(0),
  eventCount: 1,
  eventIds: [`e-${id}`],
  extra: null,
});

describe("projector state cache", () => {
  it("when the partition's token is the one this cache wrote, then its states are returned", () => {
    const cache = createStateCache(10);
    cache.remember(3, "t1", [state("a"), state("b")]);
    assert.deepEqual([...(cache.lookup(3, "t1")?.keys() ?? [])], ["a", "b"]);
    assert.equal(cache.lookup(4, "t1"), undefined);
  });

  it("when another writer changed the token, then the partition's states are forgotten", () => {
    const cache = createStateCache(10);
    cache.remember(3, "t1", [state("a")]);
    cache.remember(5, "t9", [state("z")]);
    assert.equal(cache.lookup(3, "someone-else"), undefined);
    assert.equal(cache.lookup(3, "t1"), undefined, "forgotten, not just hidden");
    assert.equal(cache.lookup(3, null), undefined);
    assert.equal(cache.size(), 1);
    assert.ok(cache.lookup(5, "t9")?.has("z"), "other partitions keep theirs");
  });

  it("when a write follows a valid lookup, then the new token carries the old and new states", () => {
    const cache = createStateCache(10);
    cache.remember(1, "t1", [state("a"), state("b")]);
    assert.ok(cache.lookup(1, "t1"));
    cache.remember(1, "t2", [state("b", "completed"), state("c")]);
    const states = cache.lookup(1, "t2");
    assert.deepEqual([...(states?.keys() ?? [])], ["a", "b", "c"]);
    assert.equal(states?.get("b")?.status, "completed");
    assert.equal(cache.lookup(1, "t1"), undefined, "the old token is no longer valid");
  });

  it("when more states than the capacity are written, then the least recently written go first", () => {
    const cache = createStateCache(3);
    cache.remember(1, "t1", [state("a"), state("b"), state("c")]);
    cache.remember(1, "t2", [state("a"), state("d")]);
    assert.equal(cache.size(), 3);
    assert.deepEqual([...(cache.lookup(1, "t2")?.keys() ?? [])].sort(), ["a", "c", "d"]);
  });

  it("when the capacity is 0, then nothing is remembered", () => {
    const cache = createStateCache(0);
    cache.remember(1, "t1", [state("a")]);
    assert.equal(cache.lookup(1, "t1"), undefined);
    assert.equal(cache.size(), 0);
  });
});
