// The read API's zod schemas: query parameters (parsed strictly: unknown parameters are refused) and
// response bodies. The OpenAPI document is generated from these, and tests validate responses with them.
import { z } from "zod";

// ---- parameters -------------------------------------------------------------------------------

const text = (max = 200) => z.string().min(1).max(max);
const intString = z
  .string()
  .regex(/^-?\d{1,10}$/, "must be an integer")
  .transform(Number);
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
export const DURATION = /^([1-9]\d{0,4})(s|m|h|d)$/;
const duration = z.string().regex(DURATION, "must be a duration like 30s, 5m, 1h or 7d");

export const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be an integer from 1 to 500")
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
  cursor: z.string().min(1).max(1000).optional().describe("opaque nextCursor of the previous page"),
};

export const operationFilterQuery = {
  callId: text().optional(),
  tenantId: text().optional(),
  type: text().optional().describe("@odata.type name, e.g. cancelMediaProcessingOperation"),
  status: text(40).optional().describe("notStarted | running | completed | failed"),
  outcome: z.enum(["succeeded", "failed", "canceled"]).optional(),
  code: intString.optional().describe("resultInfo.code"),
  subcode: intString.optional().describe("resultInfo.subcode"),
  clientContext: text().optional(),
  firstSeenFrom: instant.optional().describe("first seen at or after (ISO 8601)"),
  firstSeenTo: instant.optional().describe("first seen before (ISO 8601)"),
  changedFrom: instant.optional().describe("last status change at or after (ISO 8601)"),
  changedTo: instant.optional().describe("last status change before (ISO 8601)"),
  q: z.string().min(3).max(200).optional().describe("text in resultInfo.message (case-insensitive, at least 3 characters)"),
};

export const operationListQuery = z
  .object({ ...operationFilterQuery, ...pageQuery, order: z.enum(["asc", "desc"]).optional().describe("by first seen; default desc") })
  .strict();
const { callId: _callId, ...callOperationFilters } = operationFilterQuery;
export const callOperationListQuery = z
  .object({ ...callOperationFilters, ...pageQuery, order: z.enum(["asc", "desc"]).optional() })
  .strict();
export const emptyQuery = z.object({}).strict();
export const callEventsQuery = z.object({ ...pageQuery }).strict();

export const statsQuery = z
  .object({
    window: duration.optional().describe("how far back from now; default 24h, at most 90d"),
    bucket: duration.optional().describe("series bucket width; default 5m up to a 24h window, else 1h"),
  })
  .strict();

export const alertListQuery = z
  .object({
    state: z.enum(["open", "acknowledged"]).optional(),
    rule: text(60).optional(),
    callId: text().optional(),
    type: text().optional(),
    ...pageQuery,
  })
  .strict();

/** EventSource cannot send headers: streams accept the API token as a query parameter. */
export const streamQuery = z.object({ access_token: z.string().max(500).optional() }).strict();

export const idParams = z.object({ id: text() });
export const callIdParams = z.object({ callId: text() });

export const ackBody = z.object({ by: text(), note: z.string().max(2000).optional() }).strict();

// ---- responses --------------------------------------------------------------------------------

const iso = z.string().describe("ISO 8601 instant");
const resultInfo = z
  .object({ code: z.number().int().nullable(), subcode: z.number().int().nullable(), message: z.string().nullable() })
  .nullable();

export const operationViewSchema = z.object({
  id: z.string(),
  callId: z.string(),
  tenantId: z.string().nullable(),
  type: z.string(),
  status: z.string(),
  outcome: z.enum(["succeeded", "failed", "canceled"]).nullable(),
  clientContext: z.string().nullable(),
  resultInfo,
  all: z.boolean().nullable(),
  completionReason: z.string().nullable(),
  conflict: z.boolean(),
  conflictStatus: z.string().nullable(),
  firstSeenAt: iso,
  lastSeenAt: iso,
  lastChangedAt: iso,
  eventCount: z.number().int(),
  extra: z.unknown(),
});

/** GET /operations/:id adds the cancelMediaProcessingOperation that canceled it (outcome "canceled"). */
export const canceledBySchema = z
  .object({
    id: z.string(),
    status: z.string(),
    outcome: z.string().nullable(),
    clientContext: z.string().nullable(),
    firstSeenAt: iso,
    lastChangedAt: iso,
  })
  .nullable();
export const operationDetailSchema = operationViewSchema.extend({ canceledBy: canceledBySchema });

export const deadLetterListQuery = z
  .object({ state: z.enum(["open", "resolved", "all"]).default("open"), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();
export const deadLetterIdParams = z.object({ id: z.string().regex(/^\d{1,18}$/, "a dead letter id is a positive integer") });
export const deadLetterViewSchema = z.object({
  id: z.string(),
  kafka: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  eventId: z.string().nullable(),
  error: z.string(),
  payload: z.unknown(),
  createdAt: iso,
  retriedAt: iso.nullable(),
  resolvedAt: iso.nullable(),
});
export const deadLetterListSchema = z.object({ items: z.array(deadLetterViewSchema) });
export const deadLetterRetrySchema = z.object({ outcome: z.string(), deadLetter: deadLetterViewSchema });

export const projectionStatusSchema = z.object({
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: z.number().int(),
      nextOffset: z.string(),
      highWatermark: z.string(),
      lagEvents: z.number(),
      lagSeconds: z.number(),
    }),
  ),
  totalLagEvents: z.number(),
  maxLagSeconds: z.number(),
});

export const historyEventViewSchema = z.object({
  eventId: z.string(),
  kind: z.enum(["operation", "call", "lifecycle"]),
  source: z.string(),
  operationId: z.string().nullable(),
  callId: z.string().nullable(),
  resourceType: z.string().nullable(),
  changeType: z.string().nullable(),
  status: z.string().nullable(),
  statusBefore: z.string().nullable(),
  statusAfter: z.string().nullable(),
  resultInfo,
  duplicate: z.boolean(),
  conflict: z.boolean(),
  stale: z.boolean(),
  authenticated: z.boolean(),
  requestId: z.string().nullable(),
  receivedAt: iso,
  projectedAt: iso,
  kafka: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
});

export const historySchema = z.object({ operationId: z.string(), callId: z.string().nullable(), events: z.array(historyEventViewSchema) });

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const operationPageSchema = page(operationViewSchema);
export const eventPageSchema = page(historyEventViewSchema);

const counts = z.record(z.string(), z.number().int());
export const callSummarySchema = z.object({
  callId: z.string(),
  operationCount: z.number().int(),
  byStatus: counts,
  byOutcome: counts,
  firstSeenAt: iso.nullable(),
  lastSeenAt: iso.nullable(),
  openAlerts: z.number().int(),
  events: z.number().int().describe("history rows of the call, non-operation items included"),
});

export const statsSchema = z.object({
  window: z.string(),
  bucket: z.string(),
  from: iso,
  to: iso,
  byTypeStatus: z.array(z.object({ type: z.string(), status: z.string(), count: z.number().int() })),
  failureRate: z.object({ total: z.number().int(), failed: z.number().int(), rate: z.number() }),
  series: z.array(z.object({ bucketStart: iso, total: z.number().int(), failed: z.number().int(), canceled: z.number().int() })),
});

const delivery = z.object({
  state: z.enum(["pending", "delivered", "failed", "disabled"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export const alertViewSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.enum(["critical", "warning"]),
  title: z.string(),
  operationId: z.string(),
  callId: z.string(),
  type: z.string(),
  status: z.string(),
  resultInfo,
  createdAt: iso,
  state: z.enum(["open", "acknowledged"]),
  ackedBy: z.string().nullable(),
  ackedAt: iso.nullable(),
  ackNote: z.string().nullable(),
  deliveries: z.object({ kafka: delivery, webhook: delivery }),
});
export const alertPageSchema = page(alertViewSchema);

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
