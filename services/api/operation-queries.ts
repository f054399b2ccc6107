// The audit list of operations: filters → one SQL statement with keyset paging on (first_seen_at, id).
// Every filter has an index (see prisma/schema.prisma); test/int/operation-query-plans.int.test.ts
// checks with EXPLAIN that none of them scans the whole table.
import type { Operation } from "../platform/generated/prisma/client.js";
import { Prisma, type Db } from "../platform/db.js";

export interface OperationFilters {
  callId?: string;
  tenantId?: string;
  type?: string;
  status?: string;
  outcome?: string;
  code?: number;
  subcode?: number;
  clientContext?: string;
  firstSeenFrom?: Date;
  firstSeenTo?: Date;
  changedFrom?: Date;
  changedTo?: Date;
  q?: string;
}

export type Order = "asc" | "desc";

export interface OperationPageRequest {
  limit: number;
  order: Order;
  after?: { t: Date; id: string };
}

const COLUMNS = Prisma.raw(
  [
    "id",
    `call_id AS "callId"`,
    `tenant_id AS "tenantId"`,
    "type",
    "status",
    "outcome",
    `client_context AS "clientContext"`,
    `result_code AS "resultCode"`,
    `result_subcode AS "resultSubcode"`,
    `result_message AS "resultMessage"`,
    "all",
    `completion_reason AS "completionReason"`,
    "conflict",
    `conflict_status AS "conflictStatus"`,
    `first_seen_at AS "firstSeenAt"`,
    `last_seen_at AS "lastSeenAt"`,
    `last_changed_at AS "lastChangedAt"`,
    `event_count AS "eventCount"`,
    "extra",
  ]
    .map((c) => (c === "all" ? `"all"` : c))
    .join(", "),
);

const likePattern = (q: string) => `%${q.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function operationWhere(f: OperationFilters): Prisma.Sql[] {
  const c: Prisma.Sql[] = [];
  if (f.callId !== undefined) c.push(Prisma.sql`call_id = ${f.callId}`);
  if (f.tenantId !== undefined) c.push(Prisma.sql`tenant_id = ${f.tenantId}`);
  if (f.type !== undefined) c.push(Prisma.sql`type = ${f.type}`);
  if (f.status !== undefined) c.push(Prisma.sql`status = ${f.status}`);
  if (f.outcome !== undefined) c.push(Prisma.sql`outcome = ${f.outcome}`);
  if (f.code !== undefined) c.push(Prisma.sql`result_code = ${f.code}`);
  if (f.subcode !== undefined) c.push(Prisma.sql`result_subcode = ${f.subcode}`);
  if (f.clientContext !== undefined) c.push(Prisma.sql`client_context = ${f.clientContext}`);
  if (f.firstSeenFrom) c.push(Prisma.sql`first_seen_at >= ${f.firstSeenFrom}`);
  if (f.firstSeenTo) c.push(Prisma.sql`first_seen_at < ${f.firstSeenTo}`);
  if (f.changedFrom) c.push(Prisma.sql`last_changed_at >= ${f.changedFrom}`);
  if (f.changedTo) c.push(Prisma.sql`last_changed_at < ${f.changedTo}`);
  if (f.q !== undefined) c.push(Prisma.sql`result_message ILIKE ${likePattern(f.q)}`);
  return c;
}

/** The page query (limit + 1 rows, to know whether there is a next page). */
export function operationListSql(f: OperationFilters, page: OperationPageRequest): Prisma.Sql {
  const conditions = operationWhere(f);
  const dir = Prisma.raw(page.order === "desc" ? "DESC" : "ASC");
  if (page.after) {
    conditions.push(
      page.order === "desc"
        ? Prisma.sql`(first_seen_at, id) < (${page.after.t}::timestamptz, ${page.after.id})`
        : Prisma.sql`(first_seen_at, id) > (${page.after.t}::timestamptz, ${page.after.id})`,
    );
  }
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  return Prisma.sql`SELECT ${COLUMNS} FROM operation ${where} ORDER BY first_seen_at ${dir}, id ${dir} LIMIT ${page.limit + 1}`;
}

export async function listOperations(
  db: Db,
  f: OperationFilters,
  page: OperationPageRequest,
): Promise<{ rows: Operation[]; more: boolean }> {
  const rows = await db.$queryRaw<Operation[]>(operationListSql(f, page));
  const more = rows.length > page.limit;
  return { rows: more ? rows.slice(0, page.limit) : rows, more };
}
