// Baseline: the tutorial projector. kafkajs `eachMessage`, then one `prisma.operation.upsert` per
// event, built from the event alone. It does LESS than optrail's projector (no fold against the stored
// state, no history row, no stored position, no transaction), so comparing with it understates the gain.
import type { Kafka } from "kafkajs";
import { optrailEventSchema } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { caughtUp, endOffsets, withDeadline } from "../lib.js";

export async function runNaiveProjector(
  kafka: Kafka,
  db: Db,
  topic: string,
  timeoutMs: number,
): Promise<{ events: number; seconds: number; finished: boolean }> {
  const ends = await endOffsets(kafka, topic);
  const progress = caughtUp(ends);
  const consumer = kafka.consumer({ groupId: `bench-naive-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let events = 0;
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const event = optrailEventSchema.parse(JSON.parse(message.value!.toString()));
      if (event.type === "OperationObserved") {
        const d = event.data;
        const at = new Date(event.meta.receivedAt);
        const fields = {
          callId: d.callId,
          type: d.operationType,
          status: d.status ?? "notStarted",
          clientContext: d.clientContext ?? null,
          resultCode: d.resultInfo?.code ?? null,
          resultSubcode: d.resultInfo?.subcode ?? null,
          resultMessage: d.resultInfo?.message ?? null,
          lastSeenAt: at,
          lastChangedAt: at,
        };
        await db.operation.upsert({
          where: { id: d.operationId },
          create: { id: d.operationId, ...fields, firstSeenAt: at, eventCount: 1, eventIds: [event.meta.eventId] },
          update: { ...fields, eventCount: { increment: 1 }, eventIds: { push: event.meta.eventId } },
        });
      }
      events++;
      progress.advance(partition, BigInt(message.offset) + 1n);
    },
  });
  const started = performance.now();
  let finished = true;
  // Stopped at the time limit, the rate over the events applied so far is just as telling.
  await withDeadline(progress.done, timeoutMs, "naive projector").catch(() => (finished = false));
  const result = { events, seconds: (performance.now() - started) / 1000, finished };
  await consumer.disconnect();
  return result;
}
