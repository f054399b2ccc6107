// Read-side questions about one call: its summary and its history rows (all kinds).
import { Prisma, type Db } from "../platform/db.js";
import { notFound } from "../platform/problem.js";
import { historyEventView } from "./views.js";

export async function getCallSummary(db: Db, callId: string) {
  const [groups, events, openAlerts] = await Promise.all([
    db.$queryRaw<{ status: string; outcome: string | null; n: number; first: Date; last: Date }[]>`
      SELECT status, outcome, count(*)::int AS n, min(first_seen_at) AS first, max(last_seen_at) AS last
      FROM operation WHERE call_id = ${callId} GROUP BY status, outcome`,
    db.$queryRaw<{ n: number; first: Date | null; last: Date | null }[]>`
      SELECT count(*)::int AS n, min(received_at) AS first, max(received_at) AS last FROM operation_event WHERE call_id = ${callId}`,
    db.alert.count({ where: { callId, state: "open" } }),
  ]);
  const ev = events[0] ?? { n: 0, first: null, last: null };
  if (groups.length === 0 && ev.n === 0) throw notFound(`call ${callId} is not known`);
  const byStatus: Record<string, number> = {};
  const byOutcome: Record<string, number> = {};
  const instants: Date[] = [];
  for (const g of groups) {
    byStatus[g.status] = (byStatus[g.status] ?? 0) + g.n;
    if (g.outcome) byOutcome[g.outcome] = (byOutcome[g.outcome] ?? 0) + g.n;
    instants.push(g.first, g.last);
  }
  if (ev.first) instants.push(ev.first);
  if (ev.last) instants.push(ev.last);
  const times = instants.map((d) => new Date(d).getTime());
  return {
    callId,
    operationCount: groups.reduce((sum, g) => sum + g.n, 0),
    byStatus,
    byOutcome,
    firstSeenAt: times.length ? new Date(Math.min(...times)).toISOString() : null,
    lastSeenAt: times.length ? new Date(Math.max(...times)).toISOString() : null,
    openAlerts,
    events: ev.n,
  };
}

/** The call's history rows in receipt order (operation, call and other items), keyset-paged. */
export async function listCallEvents(db: Db, callId: string, limit: number, after?: { t: Date; id: bigint }) {
  const where: Prisma.OperationEventWhereInput = after
    ? { callId, OR: [{ receivedAt: { gt: after.t } }, { receivedAt: after.t, id: { gt: after.id } }] }
    : { callId };
  const rows = await db.operationEvent.findMany({ where, orderBy: [{ receivedAt: "asc" }, { id: "asc" }], take: limit + 1 });
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { items: page.map(historyEventView), more, last: last ? { t: last.receivedAt, id: last.id } : undefined };
}
