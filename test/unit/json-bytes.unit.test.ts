import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonBytes, jsonArrayBytes } from "../../services/platform/json-bytes.js";

describe("JSON written as bytes", () => {
  it("when the text outgrows the first buffer many times, then every byte is kept in order", () => {
    const out = new JsonBytes(1);
    const pieces = Array.from({ length: 2000 }, (_, i) => `piece-${i};`);
    for (const p of pieces) out.write(p);
    assert.equal(out.bytes().toString("utf8"), pieces.join(""));
  });

  it("when the text holds multi-byte characters and surrogate pairs, then it is valid UTF-8 of the same text", () => {
    const text = JSON.stringify({ message: "Ré-essai — 通話 😀", q: '"quoted"\\' });
    const bytes = new JsonBytes(4).write("[").write(text).write("]").bytes();
    assert.deepEqual(JSON.parse(bytes.toString("utf8")), [JSON.parse(text)]);
    assert.equal(bytes.length, Buffer.byteLength(`[${text}]`));
  });

  it("when an array is written, then it parses back to the same values, empty arrays included", () => {
    const rows = [
      { id: "op-1", eventIds: ["a", "b"], extra: null },
      { id: "op-2", n: 2 },
    ];
    assert.deepEqual(JSON.parse(jsonArrayBytes(rows, 8).toString("utf8")), rows);
    assert.equal(jsonArrayBytes([], 8).toString("utf8"), "[]");
  });
});
