import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import {
  crc32c,
  createRecordEncoder,
  installKafkaRecordEncoder,
  kafkajsOriginals,
  type RecordInput,
} from "../../services/platform/kafka-record.js";

const require = createRequire(import.meta.url);
const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));
const { encodeRecord: theirs, crc32c: theirCrc } = kafkajsOriginals();
const ours = createRecordEncoder(theirs);
const bytes = (e: { buf: Buffer; offset: number }) => e.buf.subarray(0, e.offset);

function records(): RecordInput[] {
  const out: RecordInput[] = [];
  const values: (string | Buffer | null | undefined)[] = [
    JSON.stringify({ type: "OperationObserved", data: { status: "running" } }),
    "",
    "é通話😀".repeat(40),
    "x".repeat(70_000), // a three-byte length varint
    randomBytes(300),
    Buffer.alloc(0),
    null,
    undefined,
  ];
  const keys: (string | Buffer | null | undefined)[] = ["call-1/op-1", "", "opération-通話", Buffer.from("raw key"), null, undefined];
  const headers: RecordInput["headers"][] = [
    undefined,
    {},
    { "event-type": "OperationObserved", "event-id": "mX17aOvP4l8yzuwCJCD2ukPRqHUSidBc", "content-type": "application/json" },
    { reason: Buffer.from([0, 1, 2, 255]), "naïve-名前": "välue" },
    { many: ["a", Buffer.from("b"), ""], one: "c" },
    { empty: [] },
  ];
  let i = 0;
  for (const value of values)
    for (const key of keys)
      for (const h of headers) {
        const deltas = [0, 1, 63, 64, 8191, 8192, 1_000_000, -1, -64, -65][i++ % 10]!;
        out.push({
          key,
          value,
          ...(h === undefined ? {} : { headers: h }),
          offsetDelta: Math.abs(deltas) % 100_000,
          timestampDelta: deltas,
        });
      }
  return out;
}

describe("the Kafka record encoder", () => {
  it("when records of every shape are encoded, then the bytes are kafkajs's own", () => {
    const all = records();
    assert.ok(all.length > 250);
    for (const [n, record] of all.entries()) {
      const a = bytes(ours(record));
      const b = bytes(theirs(record));
      assert.ok(
        a.equals(b),
        `record ${n}: ${JSON.stringify(record).slice(0, 200)}: ${a.toString("hex").slice(0, 80)} ≠ ${b.toString("hex").slice(0, 80)}`,
      );
    }
  });

  it("when a delta needs 64 bits or a header value is not bytes, then kafkajs's own encoder does it (and throws as it does)", () => {
    for (const timestampDelta of [2 ** 31, -(2 ** 33), 1_700_000_000_000]) {
      const record = { key: "k", value: "v", timestampDelta, offsetDelta: 3 };
      assert.ok(bytes(ours(record)).equals(bytes(theirs(record))), `timestampDelta ${timestampDelta}`);
    }
    const bad = { key: "k", value: "v", headers: { h: null } } as unknown as RecordInput;
    assert.throws(() => theirs(bad));
    assert.throws(() => ours(bad));
  });

  it("when buffers of any length are checksummed, then the CRC-32C is kafkajs's", () => {
    for (let length = 0; length < 80; length++) {
      const b = randomBytes(length);
      assert.equal(crc32c(b), theirCrc(b), `length ${length}`);
    }
    const big = randomBytes(1 << 20);
    assert.equal(crc32c(big), theirCrc(big));
    assert.equal(crc32c(big.subarray(5, 1005)), theirCrc(big.subarray(5, 1005)));
    assert.equal(crc32c(Buffer.from("123456789")), 0xe3069283); // the CRC-32C check value
  });

  it("when installed before kafkajs's first produce, then kafkajs's record batch uses it and decodes back to the same records", async () => {
    assert.deepEqual(installKafkaRecordEncoder(), { installed: true });
    assert.deepEqual(installKafkaRecordEncoder(), { installed: true }, "idempotent");
    const recordPath = join(kafkajsDir, "src/protocol/recordBatch/record/v0/index.js");
    assert.notEqual(require(recordPath), theirs);
    const { RecordBatch } = require(join(kafkajsDir, "src/protocol/recordBatch/v0/index.js")) as {
      RecordBatch: (o: unknown) => Promise<{ buffer: Buffer }>;
    };
    const Decoder = require(join(kafkajsDir, "src/protocol/decoder.js")) as new (b: Buffer) => unknown;
    const decodeBatch = require(join(kafkajsDir, "src/protocol/recordBatch/v0/decoder.js")) as (
      d: unknown,
    ) => Promise<{ records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>; offset: string }[] }>;
    const input = [
      { key: "call-1/op-1", value: '{"a":1}', headers: { "event-type": "OperationObserved" } },
      { key: null, value: "é通話😀", headers: { many: ["a", "b"] } },
      { key: "k", value: "x".repeat(5000) },
    ];
    const record = require(recordPath) as (r: RecordInput) => unknown;
    const batch = await RecordBatch({
      records: input.map((m, i) => record({ ...m, offsetDelta: i, timestampDelta: i })),
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_002,
      lastOffsetDelta: input.length - 1,
    });
    const buffer = batch.buffer;
    // The batch's CRC (after offset, length, leader epoch and magic) covers the rest; check it with kafkajs's CRC.
    assert.equal(buffer.readUInt32BE(17), theirCrc(buffer.subarray(21)));
    const decoded = await decodeBatch(new Decoder(buffer));
    assert.deepEqual(
      decoded.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.offset]),
      input.map((m, i) => [m.key, m.value, String(i)]),
    );
    assert.equal(decoded.records[0]!.headers["event-type"]!.toString(), "OperationObserved");
    assert.deepEqual((decoded.records[1]!.headers.many as Buffer[]).map(String), ["a", "b"]);
  });
});
