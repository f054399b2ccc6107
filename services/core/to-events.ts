// Pure translation of Graph notification items into optrail events. No I/O: the receipt time and
// request id come in from the caller; event ids are derived from content.
import { z } from "zod";
import type { EventMeta, EventSource, OptrailEvent } from "./events.js";
import { EVENT_VERSION } from "./events.js";
import {
  notificationItemSchema,
  odataTypeName,
  parseResourcePath,
  resourceDataSchema,
  type NotificationItem,
  type ResourceData,
  type ResourcePath,
} from "./graph.js";
import { redactSecrets } from "./redact.js";
import { contentId } from "./stable-json.js";

export interface Receipt {
  receivedAt: string;
  requestId: string;
  authenticated: boolean;
  /** The tenant the request was authenticated for (the JWT's tenant claim), if any. */
  tenantId?: string | undefined;
}

export interface ItemIssue {
  path: string;
  message: string;
}

export type ItemResult = { ok: true; events: OptrailEvent[] } | { ok: false; reason: string; issues: ItemIssue[] };

const UNKNOWN_OPERATION_TYPE = "unknownOperation";

function zodIssues(error: z.ZodError): ItemIssue[] {
  return error.issues.map((i) => ({ path: i.path.join(".") || "(item)", message: i.message }));
}

function isOperation(typeName: string | undefined, operationIdFromPath: string | undefined): boolean {
  if (typeName) return /Operation$/.test(typeName);
  return operationIdFromPath !== undefined;
}

/** Translates one `value[]` item (call notification, change notification or lifecycle notification). */
export function eventsFromNotificationItem(raw: unknown, receipt: Receipt): ItemResult {
  const parsed = notificationItemSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "item does not match a Graph notification", issues: zodIssues(parsed.error) };
  const item = parsed.data;
  const source: EventSource = item.subscriptionId ? "change-notification" : "notification";
  const base = { receipt, source, tenantId: item.tenantId ?? receipt.tenantId, subscriptionId: item.subscriptionId };

  if (item.lifecycleEvent !== undefined) {
    if (!item.subscriptionId)
      return {
        ok: false,
        reason: "lifecycle notification without subscriptionId",
        issues: [{ path: "subscriptionId", message: "required" }],
      };
    const redacted = redactSecrets(item) as Record<string, unknown>;
    const data = {
      subscriptionId: item.subscriptionId,
      lifecycleEvent: item.lifecycleEvent,
      resource: item.resource ?? item.resourceUrl,
      subscriptionExpirationDateTime: item.subscriptionExpirationDateTime,
      item: redacted,
    };
    return { ok: true, events: [{ type: "SubscriptionLifecycle", v: EVENT_VERSION, meta: meta(base, data), data }] };
  }

  const entities: ResourceData[] =
    item.resourceData === undefined ? [] : Array.isArray(item.resourceData) ? item.resourceData : [item.resourceData];
  if (entities.length === 0) {
    return {
      ok: false,
      reason: "encrypted or empty resourceData is not supported",
      issues: [{ path: "resourceData", message: "no entity to record" }],
    };
  }
  const events: OptrailEvent[] = [];
  for (const [index, entity] of entities.entries()) {
    const result = eventFromEntity(item, entity, base);
    if (!result.ok) {
      return { ok: false, reason: result.reason, issues: result.issues.map((i) => ({ ...i, path: `resourceData.${index}.${i.path}` })) };
    }
    events.push(result.event);
  }
  return { ok: true, events };
}

interface Base {
  receipt: Receipt;
  source: EventSource;
  tenantId?: string | undefined;
  subscriptionId?: string | undefined;
}

function meta(base: Base, identity: unknown): EventMeta {
  return {
    eventId: contentId({ source: base.source, identity }),
    receivedAt: base.receipt.receivedAt,
    requestId: base.receipt.requestId,
    source: base.source,
    authenticated: base.receipt.authenticated,
    ...(base.tenantId ? { tenantId: base.tenantId } : {}),
    ...(base.subscriptionId ? { subscriptionId: base.subscriptionId } : {}),
  };
}

type EntityResult = { ok: true; event: OptrailEvent } | { ok: false; reason: string; issues: ItemIssue[] };

function eventFromEntity(item: NotificationItem, entity: ResourceData, base: Base): EntityResult {
  const resourceUrl = item.resourceUrl ?? item.resource;
  const typeName = odataTypeName(entity["@odata.type"]);
  const fromUrl = parseResourcePath(resourceUrl);
  // @odata.id only fills in what resourceUrl does not say (parsed only then).
  let odataIdPath: ResourcePath | undefined;
  const fromOdataId = () => (odataIdPath ??= parseResourcePath(entity["@odata.id"]));
  const resource = redactSecrets(entity) as Record<string, unknown>;

  if (isOperation(typeName, fromUrl.operationId ?? fromOdataId().operationId)) {
    const operationId = entity.id ?? fromUrl.operationId ?? fromOdataId().operationId;
    const callId = fromUrl.callId ?? fromOdataId().callId;
    if (!operationId)
      return { ok: false, reason: "operation without an id", issues: [{ path: "id", message: "no id and none in resourceUrl" }] };
    if (!callId)
      return {
        ok: false,
        reason: "operation without a call",
        issues: [{ path: "resourceUrl", message: "no call id in resourceUrl or @odata.id" }],
      };
    const data = {
      ...operationData({ entity, resource, callId, operationId, typeName, changeType: item.changeType, resourceUrl }),
      envelope: envelopeOf(item),
    };
    return {
      ok: true,
      event: {
        type: "OperationObserved",
        v: EVENT_VERSION,
        meta: meta(base, { changeType: item.changeType, resourceUrl, resource }),
        data,
      },
    };
  }
  const data = {
    callId: fromUrl.callId ?? fromOdataId().callId,
    resourceType: typeName ?? "unknown",
    changeType: item.changeType,
    resourceUrl,
    resource,
  };
  return {
    ok: true,
    event: { type: "CallResourceObserved", v: EVENT_VERSION, meta: meta(base, data), data: { ...data, envelope: envelopeOf(item) } },
  };
}

/** The item verbatim without its entities (unknown and future properties included), secrets redacted. */
function envelopeOf(item: NotificationItem): Record<string, unknown> {
  const { resourceData: _entities, ...envelope } = item;
  return redactSecrets(envelope) as Record<string, unknown>;
}

function operationData(args: {
  entity: ResourceData;
  resource: Record<string, unknown>;
  callId: string;
  operationId: string;
  typeName: string | undefined;
  changeType?: string | undefined;
  resourceUrl?: string | undefined;
  action?: string | undefined;
}) {
  const { entity } = args;
  return {
    callId: args.callId,
    operationId: args.operationId,
    operationType: args.typeName ?? UNKNOWN_OPERATION_TYPE,
    ...(args.changeType ? { changeType: args.changeType } : {}),
    ...(entity.status ? { status: entity.status } : {}),
    ...(entity.clientContext !== undefined ? { clientContext: entity.clientContext } : {}),
    ...(entity.resultInfo ? { resultInfo: entity.resultInfo } : {}),
    ...(entity.all !== undefined ? { all: entity.all } : {}),
    ...(entity.completionReason !== undefined ? { completionReason: entity.completionReason } : {}),
    ...(args.action ? { action: args.action } : {}),
    ...(args.resourceUrl ? { resourceUrl: args.resourceUrl } : {}),
    resource: args.resource,
  };
}

/** The body a bot posts to report an action's synchronous response (no notification follows it). */
export const actionResponseSchema = z.object({
  callId: z.string().min(1),
  /** The action called, e.g. "cancelMediaProcessing", "playPrompt", "record". */
  action: z.string().min(1).max(100),
  tenantId: z.string().optional(),
  /** The operation object Graph returned in the action's HTTP response. */
  operation: resourceDataSchema.extend({ id: z.string().min(1) }),
});
export type ActionResponse = z.infer<typeof actionResponseSchema>;

/** Translates an action response reported by the bot into an OperationObserved event. */
export function eventFromActionResponse(report: ActionResponse, receipt: Receipt): OptrailEvent {
  const base: Base = { receipt, source: "action-response", tenantId: report.tenantId ?? receipt.tenantId };
  const entity = report.operation;
  const typeName = odataTypeName(entity["@odata.type"]) ?? `${report.action}Operation`;
  const resource = redactSecrets(entity) as Record<string, unknown>;
  const data = operationData({ entity, resource, callId: report.callId, operationId: entity.id, typeName, action: report.action });
  return {
    type: "OperationObserved",
    v: EVENT_VERSION,
    meta: meta(base, { callId: report.callId, action: report.action, resource }),
    data,
  };
}
