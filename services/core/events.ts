// optrail's events: what is appended to Kafka, one per Graph notification item (per resourceData
// entity). A discriminated union on `type`; every event carries the same receipt metadata.
import { z } from "zod";
import { resultInfoSchema } from "./graph.js";

export const EVENT_VERSION = 1;

export const EVENT_SOURCES = ["notification", "change-notification", "action-response"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const eventMetaSchema = z.object({
  /** Derived from the item's content: a duplicated delivery gets the same id. */
  eventId: z.string().min(1),
  /** When ingest received the HTTP request (ISO 8601). */
  receivedAt: z.iso.datetime({ offset: true }),
  requestId: z.string(),
  source: z.enum(EVENT_SOURCES),
  /** False when ingest ran without credentials (development only). */
  authenticated: z.boolean(),
  tenantId: z.string().optional(),
  subscriptionId: z.string().optional(),
});
export type EventMeta = z.infer<typeof eventMetaSchema>;

const resourceSchema = z.record(z.string(), z.unknown());

export const operationObservedSchema = z.object({
  type: z.literal("OperationObserved"),
  v: z.literal(EVENT_VERSION),
  meta: eventMetaSchema,
  data: z.object({
    callId: z.string().min(1),
    operationId: z.string().min(1),
    /** The @odata.type name, e.g. cancelMediaProcessingOperation; "unknownOperation" if absent. */
    operationType: z.string().min(1),
    changeType: z.string().optional(),
    /** Graph's status; unknown future values are kept as given. */
    status: z.string().optional(),
    clientContext: z.string().optional(),
    resultInfo: resultInfoSchema.optional(),
    all: z.boolean().optional(),
    completionReason: z.string().optional(),
    /** For action responses: the action the bot called (e.g. cancelMediaProcessing). */
    action: z.string().optional(),
    resourceUrl: z.string().optional(),
    /** The whole resourceData entity, secrets redacted, unknown properties included. */
    resource: resourceSchema,
    /** The notification item around the entity (everything but resourceData), secrets redacted. */
    envelope: resourceSchema.optional(),
  }),
});
export type OperationObserved = z.infer<typeof operationObservedSchema>;

export const callResourceObservedSchema = z.object({
  type: z.literal("CallResourceObserved"),
  v: z.literal(EVENT_VERSION),
  meta: eventMetaSchema,
  data: z.object({
    callId: z.string().optional(),
    resourceType: z.string(),
    changeType: z.string().optional(),
    resourceUrl: z.string().optional(),
    resource: resourceSchema,
    /** The notification item around the entity (everything but resourceData), secrets redacted. */
    envelope: resourceSchema.optional(),
  }),
});
export type CallResourceObserved = z.infer<typeof callResourceObservedSchema>;

export const subscriptionLifecycleSchema = z.object({
  type: z.literal("SubscriptionLifecycle"),
  v: z.literal(EVENT_VERSION),
  meta: eventMetaSchema,
  data: z.object({
    subscriptionId: z.string(),
    lifecycleEvent: z.string(),
    resource: z.string().optional(),
    subscriptionExpirationDateTime: z.string().optional(),
    item: resourceSchema,
  }),
});
export type SubscriptionLifecycle = z.infer<typeof subscriptionLifecycleSchema>;

export const optrailEventSchema = z.discriminatedUnion("type", [
  operationObservedSchema,
  callResourceObservedSchema,
  subscriptionLifecycleSchema,
]);
export type OptrailEvent = z.infer<typeof optrailEventSchema>;
export type OptrailEventType = OptrailEvent["type"];

/** The Kafka key: one operation's (or call's, or subscription's) events stay in one partition. */
export function eventKey(event: OptrailEvent): string {
  switch (event.type) {
    case "OperationObserved":
      return event.data.operationId;
    case "CallResourceObserved":
      return event.data.callId ?? event.meta.eventId;
    case "SubscriptionLifecycle":
      return event.data.subscriptionId;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}
