import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { Partitioners, type PartitionMetadata } from "kafkajs";
import { keyPartitioner, murmur2 } from "../../services/ingest/partitioner.js";

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));

// Keys as ingest makes them (call id / operation id), plus random ASCII and non-ASCII ones of every length mod 4.
function keys(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3000; i++) out.push(`call-${i.toString(36)}/op-${(i * 7919).toString(16)}`);
  for (let i = 0; i < 3000; i++) out.push(randomBytes(1 + (i % 61)).toString("base64url"));
  for (let i = 0; i < 500; i++) out.push(`opération-${i}-通話-😀`.slice(0, 5 + (i % 17)));
  out.push("", "a", "ab", "abc", "abcd");
  return out;
}

describe("the producer's partitioner", () => {
  it("when keys of every shape are partitioned, then each lands where kafkajs's default partitioner puts it", () => {
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 12, 50]) {
      const partitionMetadata = metadata(partitions);
      for (const key of keys()) {
        const args = { topic: "t", partitionMetadata, message: { key, value: "v" } };
        assert.equal(ours(args), theirs(args), `key ${JSON.stringify(key)} over ${partitions} partitions`);
      }
    }
  });

  it("when the key is a Buffer or the message names its partition, then it is handled as kafkajs does", () => {
    const ours = keyPartitioner();
    const partitionMetadata = metadata(12);
    assert.equal(murmur2(Buffer.from("call-1/op-1")), murmur2("call-1/op-1"));
    assert.equal(ours({ topic: "t", partitionMetadata, message: { key: "k", value: "v", partition: 7 } }), 7);
    const unkeyed = ours({ topic: "t", partitionMetadata, message: { value: "v" } });
    assert.ok(unkeyed >= 0 && unkeyed < 12);
  });
});
