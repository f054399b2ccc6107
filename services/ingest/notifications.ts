// The one use case of ingest: turn a Graph POST into events on Kafka, or say why not.
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
import type { DeadLetter, Publisher } from "./publisher.js";

export interface Accepted {
  accepted: number;
  deadLettered: number;
  eventIds: string[];
}

function zodErrors(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

async function append(publisher: Publisher, events: OptrailEvent[], deadLetters: DeadLetter[]): Promise<void> {
  try {
    await publisher.publish(events, deadLetters);
  } catch (err) {
    throw serviceUnavailable(`the event store did not acknowledge the notification: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Validates a notification collection; good items become events, bad ones dead letters. */
export async function ingestNotifications(body: unknown, receipt: Receipt, publisher: Publisher): Promise<Accepted> {
  const parsed = notificationBodySchema.safeParse(body);
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
  await append(publisher, events, deadLetters);
  return { accepted: events.length, deadLettered: deadLetters.length, eventIds: events.map((e) => e.meta.eventId) };
}

/** Records the operation object an action's synchronous HTTP response returned. */
export async function ingestActionResponse(body: unknown, receipt: Receipt, publisher: Publisher): Promise<Accepted> {
  const parsed = actionResponseSchema.safeParse(body);
  if (!parsed.success) throw badRequest("the body is not an action response report", zodErrors(parsed.error));
  const event = eventFromActionResponse(parsed.data, receipt);
  await append(publisher, [event], []);
  return { accepted: 1, deadLettered: 0, eventIds: [event.meta.eventId] };
}
