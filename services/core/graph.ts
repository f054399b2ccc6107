// Zod schemas of what Microsoft Graph posts to a bot's callback or a subscription's
// notificationUrl (see shared/reference/graph-notifications.md). Unknown properties are kept:
// Graph adds them over time, and optrail stores every item verbatim (secrets redacted).
import { z } from "zod";

export const OPERATION_STATUSES = ["notStarted", "running", "completed", "failed"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const operationStatusSchema = z.enum(OPERATION_STATUSES);

export const CHANGE_TYPES = ["created", "updated", "deleted"] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const LIFECYCLE_EVENTS = ["reauthorizationRequired", "subscriptionRemoved", "missed"] as const;

export const resultInfoSchema = z.looseObject({
  "@odata.type": z.string().optional(),
  code: z.number().int().optional(),
  subcode: z.number().int().optional(),
  message: z.string().optional(),
});
export type ResultInfo = z.infer<typeof resultInfoSchema>;

/** One Graph entity as found in `resourceData`: an operation, a call, a participant, ... */
export const resourceDataSchema = z.looseObject({
  "@odata.type": z.string().optional(),
  "@odata.id": z.string().optional(),
  "@odata.etag": z.string().optional(),
  id: z.string().min(1).optional(),
  clientContext: z.string().optional(),
  status: z.string().optional(),
  resultInfo: resultInfoSchema.nullish(),
  all: z.boolean().optional(),
  completionReason: z.string().optional(),
});
export type ResourceData = z.infer<typeof resourceDataSchema>;

/** One item of `value[]`: a call notification, a change notification or a lifecycle notification. */
export const notificationItemSchema = z
  .looseObject({
    "@odata.type": z.string().optional(),
    changeType: z.enum(CHANGE_TYPES).optional(),
    resourceUrl: z.string().min(1).optional(),
    resource: z.string().min(1).optional(),
    resourceData: z.union([resourceDataSchema, z.array(resourceDataSchema)]).optional(),
    subscriptionId: z.string().optional(),
    subscriptionExpirationDateTime: z.string().optional(),
    clientState: z.string().max(255).optional(),
    tenantId: z.string().optional(),
    lifecycleEvent: z.string().optional(),
    encryptedContent: z.unknown().optional(),
  })
  .superRefine((item, ctx) => {
    if (item.lifecycleEvent !== undefined) return;
    if (!item.changeType) ctx.addIssue({ code: "custom", path: ["changeType"], message: "changeType is required" });
    if (!item.resourceUrl && !item.resource)
      ctx.addIssue({ code: "custom", path: ["resourceUrl"], message: "resourceUrl or resource is required" });
    if (item.resourceData === undefined && item.encryptedContent === undefined)
      ctx.addIssue({ code: "custom", path: ["resourceData"], message: "resourceData is required" });
  });
export type NotificationItem = z.infer<typeof notificationItemSchema>;

/** The POST body: a commsNotifications collection or a change-notification collection. */
export const notificationBodySchema = z.looseObject({
  "@odata.type": z.string().optional(),
  value: z.array(z.unknown()).min(1, "value must hold at least one notification"),
  validationTokens: z.array(z.string()).optional(),
});
export type NotificationBody = z.infer<typeof notificationBodySchema>;

/** `#microsoft.graph.cancelMediaProcessingOperation` → `cancelMediaProcessingOperation`. */
export function odataTypeName(odataType: string | undefined): string | undefined {
  if (!odataType) return undefined;
  const name = odataType.slice(odataType.lastIndexOf(".") + 1 || (odataType.startsWith("#") ? 1 : 0));
  return name.length > 0 ? name : undefined;
}

// `/communications/calls/...` today; `/app/calls/...` in older payloads.
const OPERATION_PATH = /\/?(?:communications|app)\/calls\/([^/?#]+)\/operations\/([^/?#]+)\/?$/i;
const CALL_PATH = /\/?(?:communications|app)\/calls\/([^/?#]+)/i;

export interface ResourcePath {
  callId?: string;
  operationId?: string;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray "%" is kept as given rather than failing the item
  }
}

/** Extracts call and operation ids from `/communications/calls/{callId}/operations/{operationId}`. */
export function parseResourcePath(url: string | undefined): ResourcePath {
  if (!url) return {};
  const path = url.replace(/^https?:\/\/[^/]+/i, "").replace(/^\/(v1\.0|beta)\//i, "/");
  const op = OPERATION_PATH.exec(path);
  if (op) return { callId: decode(op[1] ?? ""), operationId: decode(op[2] ?? "") };
  const call = CALL_PATH.exec(path);
  if (call) return { callId: decode(call[1] ?? "") };
  return {};
}

export function isOperationStatus(s: unknown): s is OperationStatus {
  return typeof s === "string" && (OPERATION_STATUSES as readonly string[]).includes(s);
}
