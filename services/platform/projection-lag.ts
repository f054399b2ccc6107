// Projection lag: how far the stored positions are behind the topic's high watermarks. Shared by the
// projector (metrics, readiness) and the api (GET /projection/status); reads Kafka and Postgres only.
import type { Admin } from "kafkajs";
import type { Db } from "./db.js";

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next offset the projection will apply (the low watermark when it has applied nothing yet). */
  nextOffset: string;
  highWatermark: string;
  lagEvents: number;
  /**
   * 0 when caught up; otherwise seconds since the projection last advanced on this partition (or, if it
   * never did, since it first advanced on any partition): how long the backlog has been waiting, at least.
   */
  lagSeconds: number;
}

export interface ProjectionStatus {
  projection: string;
  partitions: PartitionLag[];
  totalLagEvents: number;
  maxLagSeconds: number;
}

interface PositionRow {
  partition: number;
  next_offset: bigint;
  updated_at: Date;
}

export async function measureLag(db: Db, admin: Admin, projection: string, topic: string, now: Date): Promise<ProjectionStatus> {
  const [offsets, positions] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    db.$queryRaw<PositionRow[]>`SELECT partition, next_offset, updated_at FROM projection_position
      WHERE projection = ${projection} AND topic = ${topic}`,
  ]);
  const byPartition = new Map(positions.map((p) => [p.partition, p]));
  const firstProgress = positions.reduce<Date | null>((min, p) => (min === null || p.updated_at < min ? p.updated_at : min), null);
  const partitions = offsets
    .map((o): PartitionLag => {
      const position = byPartition.get(o.partition);
      const high = BigInt(o.high);
      const next = position ? BigInt(position.next_offset) : BigInt(o.low);
      const lagEvents = Number(high > next ? high - next : 0n);
      const since = position?.updated_at ?? firstProgress ?? now;
      const lagSeconds = lagEvents === 0 ? 0 : Math.max(0, (now.getTime() - since.getTime()) / 1000);
      return { topic, partition: o.partition, nextOffset: next.toString(), highWatermark: o.high, lagEvents, lagSeconds };
    })
    .sort((a, b) => a.partition - b.partition);
  return {
    projection,
    partitions,
    totalLagEvents: partitions.reduce((sum, p) => sum + p.lagEvents, 0),
    maxLagSeconds: partitions.reduce((max, p) => Math.max(max, p.lagSeconds), 0),
  };
}
