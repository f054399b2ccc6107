// The CLI's pure parts: aligned tables and key/value blocks, and the SSE parser of `optrail tail`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyValues, resultInfo, table } from "../../services/cli/format.js";
import { createSseParser } from "../../services/cli/sse.js";

describe("CLI output", () => {
  it("when rows differ in width, then every column starts at the same position and lines have no trailing blanks", () => {
    const out = table(
      ["ID", "STATUS", "TITLE"],
      [
        ["a", "running", "x"],
        ["abcdef", "failed", ""],
      ],
    ).split("\n");
    assert.deepEqual(out, ["ID      STATUS   TITLE", "a       running  x", "abcdef  failed"]);
  });

  it("when key/values are printed, then the values line up after the longest key", () => {
    assert.equal(
      keyValues([
        ["status", "failed"],
        ["client context", "c"],
      ]),
      "status          failed\nclient context  c",
    );
  });

  it("when resultInfo is missing or partial, then it prints a dash or what there is", () => {
    assert.equal(resultInfo(null), "-");
    assert.equal(
      resultInfo({ code: 500, subcode: 9001, message: "Media processor unavailable." }),
      "500/9001 Media processor unavailable.",
    );
    assert.equal(resultInfo({ code: 200, subcode: null, message: null }), "200");
  });
});

describe("SSE parser", () => {
  it("when messages arrive split across chunks with CRLF, comments and multi-line data, then each is returned once, whole", () => {
    const p = createSseParser();
    assert.deepEqual(p.push(": keep-alive\r\nevent: alert\r\nda"), []);
    assert.deepEqual(p.push('ta: {"id":1}\r'), []);
    assert.deepEqual(p.push("\n\r\n"), [{ event: "alert", data: '{"id":1}' }]);
    assert.deepEqual(p.push("id: 7\ndata: a\ndata: b\n\nevent: operation\n"), [{ event: "message", data: "a\nb", id: "7" }]);
    assert.deepEqual(p.push("data:x\n\n"), [{ event: "operation", data: "x" }]);
  });

  it("when a block has no data line, then no message is returned", () => {
    assert.deepEqual(createSseParser().push("event: alert\n\n"), []);
  });
});
