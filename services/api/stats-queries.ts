// Operation statistics over a time window (by first seen): counts by type and status, the failure
// rate of finished operations, and a bucketed series for a dashboard chart.
import type { Db } from "../platform/db.js";

export async function getStats(db: Db, from: Date, to: Date, bucketMs: number) {
  const [byTypeStatus, rate, series] = await Promise.all([
    db.$queryRaw<{ type: string; status: string; count: number }[]>`
      SELECT type, status, count(*)::int AS count FROM operation
      WHERE first_seen_at >= ${from} AND first_seen_at < ${to} GROUP BY type, status ORDER BY type, status`,
    db.$queryRaw<{ total: number; failed: number }[]>`
      SELECT count(*) FILTER (WHERE outcome IS NOT NULL)::int AS total, count(*) FILTER (WHERE outcome = 'failed')::int AS failed
      FROM operation WHERE first_seen_at >= ${from} AND first_seen_at < ${to}`,
    db.$queryRaw<{ bucket: Date; total: number; failed: number; canceled: number }[]>`
      SELECT date_bin(make_interval(secs => ${bucketMs / 1000}), first_seen_at, ${from}::timestamptz) AS bucket,
        count(*)::int AS total, count(*) FILTER (WHERE outcome = 'failed')::int AS failed,
        count(*) FILTER (WHERE outcome = 'canceled')::int AS canceled
      FROM operation WHERE first_seen_at >= ${from} AND first_seen_at < ${to} GROUP BY 1`,
  ]);
  const { total, failed } = rate[0] ?? { total: 0, failed: 0 };
  const byBucket = new Map(series.map((s) => [new Date(s.bucket).getTime(), s]));
  const buckets = [];
  for (let t = from.getTime(); t < to.getTime(); t += bucketMs) {
    const s = byBucket.get(t);
    buckets.push({ bucketStart: new Date(t).toISOString(), total: s?.total ?? 0, failed: s?.failed ?? 0, canceled: s?.canceled ?? 0 });
  }
  return { byTypeStatus, failureRate: { total, failed, rate: total === 0 ? 0 : failed / total }, series: buckets };
}
