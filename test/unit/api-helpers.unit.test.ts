// Small pure pieces of the read API: CSV escaping, cursors, token matching, durations.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenMatcher } from "../../services/api/auth.js";
import { csvField, csvRow } from "../../services/api/csv.js";
import { decodeCursor, encodeCursor, timeIdCursor } from "../../services/api/cursor.js";
import { durationMs } from "../../services/api/stats-routes.js";
import { HttpProblem } from "../../services/platform/problem.js";

describe("read API helpers", () => {
  it("when fields hold commas, quotes, line breaks or edge spaces, then CSV quotes them and doubles quotes", () => {
    assert.equal(csvField('say "hi", then\r\ngo'), '"say ""hi"", then\r\ngo"');
    assert.equal(csvField(" padded"), '" padded"');
    assert.equal(csvField(null), "");
    assert.equal(csvField(new Date("2026-01-01T00:00:00Z")), "2026-01-01T00:00:00.000Z");
    assert.equal(csvRow(["a", 1, true, undefined]), "a,1,true,\r\n");
  });

  it("when a cursor round-trips, then it decodes; when it is tampered with, then a 400 names the cursor", () => {
    const c = encodeCursor({ t: "2026-01-01T00:00:00.000Z", id: "op-1", o: "desc" });
    assert.match(c, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(c, timeIdCursor), { t: "2026-01-01T00:00:00.000Z", id: "op-1", o: "desc" });
    for (const bad of ["!!!", encodeCursor({ t: "x", id: "y", o: "desc" }), encodeCursor([1])]) {
      assert.throws(
        () => decodeCursor(bad, timeIdCursor),
        (e: unknown) => e instanceof HttpProblem && e.status === 400 && e.errors?.[0]?.path === "cursor",
      );
    }
  });

  it("when tokens are compared, then only configured tokens match, whatever their length", () => {
    const matches = tokenMatcher(["alpha-token", "beta"]);
    assert.equal(matches("alpha-token"), true);
    assert.equal(matches("beta"), true);
    assert.equal(matches("alpha-toke"), false);
    assert.equal(matches(""), false);
    assert.equal(tokenMatcher([])("anything"), false);
  });

  it("when durations are given, then they convert to milliseconds", () => {
    assert.equal(durationMs("5m"), 300_000);
    assert.equal(durationMs("24h"), 86_400_000);
    assert.equal(durationMs("7d"), 604_800_000);
    assert.throws(() => durationMs("1y"));
  });
});
