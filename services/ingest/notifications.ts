// The use cases of ingest: authenticate a Graph POST, turn it into events on Kafka, or say why not.
import {
  actionResponseSchema,
  eventFromActionResponse,
  eventsFromNotificationItem,
  notificationBodySchema,
  redactSecrets,
  type OptrailEvent,
  type Receipt,
} from "../core/index.js";
import { badRequest, serviceUnavailable } from "../platform/problem.js";
import type { Authenticator } from "./auth.js";
import { exceedsDepth, MAX_JSON_DEPTH } from "./json-depth.js";
import type { DeadLetter, Publisher } from "./publisher.js";

/** The 202 body. */
export interface Accepted {
  accepted: number;
  deadLettered: number;
  eventIds: string[];
}

export interface LifecycleNotice {
  lifecycleEvent: string;
  subscriptionId: string;
  resource?: string | undefined;
}

export interface Ingested extends Accepted {
  /** The lifecycle notifications among the events (for metrics and operator logs). */
  lifecycle: LifecycleNotice[];
}

export interface IngestRequest {
  body: unknown;
  authorization: string | undefined;
  /** Receipt time and request id; `authenticated` and the tenant are filled in by authentication. */
  receipt: Omit<Receipt, "authenticated" | "tenantId">;
}

export interface IngestDeps {
  authenticator: Authenticator;
  publisher: Publisher;
}

function zodErrors(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

function rejectDeepBody(body: unknown): void {
  if (exceedsDepth(body, MAX_JSON_DEPTH)) throw badRequest(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
}

async function append(publisher: Publisher, events: OptrailEvent[], deadLetters: DeadLetter[]): Promise<void> {
  try {
    await publisher.publish(events, deadLetters);
  } catch (err) {
    throw serviceUnavailable(`the event store did not acknowledge the notification: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A POST to the notification URL: authenticate (the whole request, before anything is stored), validate
 * the collection; good items become events, bad ones dead letters; 202 only once Kafka has them all.
 */
export async function receiveNotifications(request: IngestRequest, deps: IngestDeps): Promise<Ingested> {
  const auth = await deps.authenticator.notifications(request.authorization, request.body);
  rejectDeepBody(request.body);
  const receipt: Receipt = { ...request.receipt, authenticated: auth.authenticated, tenantId: auth.tenantId };
  const parsed = notificationBodySchema.safeParse(request.body);
  if (!parsed.success) throw badRequest("the body is not a Graph notification collection", zodErrors(parsed.error));

  const events: OptrailEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const itemErrors: { path: string; message: string }[] = [];
  for (const [index, item] of parsed.data.value.entries()) {
    const result = eventsFromNotificationItem(item, receipt);
    if (result.ok) {
      events.push(...result.events);
    } else {
      deadLetters.push({
        requestId: receipt.requestId,
        receivedAt: receipt.receivedAt,
        reason: result.reason,
        issues: result.issues,
        item: redactSecrets(item),
      });
      itemErrors.push(...result.issues.map((i) => ({ path: `value.${index}.${i.path}`, message: i.message })));
    }
  }
  if (events.length === 0) throw badRequest("no item of the collection is a valid Graph notification", itemErrors);
  await append(deps.publisher, events, deadLetters);
  const lifecycle = events.flatMap((e) =>
    e.type === "SubscriptionLifecycle"
      ? [{ lifecycleEvent: e.data.lifecycleEvent, subscriptionId: e.data.subscriptionId, resource: e.data.resource }]
      : [],
  );
  return { accepted: events.length, deadLettered: deadLetters.length, eventIds: events.map((e) => e.meta.eventId), lifecycle };
}

/** The bot reports the operation object an action's synchronous HTTP response returned. */
export async function receiveActionResponse(request: IngestRequest, deps: IngestDeps): Promise<Accepted> {
  const auth = await deps.authenticator.actionResponse(request.authorization);
  rejectDeepBody(request.body);
  const parsed = actionResponseSchema.safeParse(request.body);
  if (!parsed.success) throw badRequest("the body is not an action response report", zodErrors(parsed.error));
  const event = eventFromActionResponse(parsed.data, { ...request.receipt, authenticated: auth.authenticated, tenantId: auth.tenantId });
  await append(deps.publisher, [event], []);
  return { accepted: 1, deadLettered: 0, eventIds: [event.meta.eventId] };
}
