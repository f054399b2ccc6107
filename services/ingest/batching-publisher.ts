// Micro-batching in front of a Publisher: the events of concurrent webhook requests are collected for
// at most `maxWaitMs` (or until `maxMessages`) and appended with ONE call of the inner publisher (one
// Kafka sendBatch, acks = -1). Each caller is resolved only when that send was acknowledged, and
// rejected when it failed: one failed send rejects every request that waited on it, so a request
// still gets 202 only if all of its events are on Kafka, and 503 otherwise (Graph retries; event ids
// are derived from content, so a retried event is detected as a duplicate by the projector).
// A request's events are never split across two sends. Each caller keeps its own deadline
// (`timeoutMs`, counted from its publish call, waiting time included), so the 503 comes in time.
// While `maxInFlight` sends are unacknowledged (the idempotent producer has one request in flight and
// queues the rest), a due batch keeps collecting and goes as soon as one is acknowledged: under load
// the batches grow instead of queueing up behind each other in the producer, one Kafka request each.
import { withTimeout } from "../platform/http.js";
import type { DeadLetter, Publisher } from "./publisher.js";
import type { OptrailEvent } from "../core/index.js";

export interface BatchingOptions {
  /** How long the first waiting request may wait for others before the batch is sent. 0: same event-loop turn only. */
  maxWaitMs: number;
  /** A batch is sent as soon as it holds this many messages (events + dead letters). */
  maxMessages: number;
  /** Per-request deadline: the caller is rejected after this long, whatever the batch does. */
  timeoutMs: number;
  /** Sends unacknowledged at once (default 1, as the idempotent producer); a full batch is sent regardless. */
  maxInFlight?: number;
  /** Observes each send (size in messages, requests in it); for metrics and tests. */
  onFlush?: (info: { messages: number; requests: number }) => void;
}

interface Waiter {
  events: OptrailEvent[];
  deadLetters: DeadLetter[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createBatchingPublisher(inner: Publisher, options: BatchingOptions): Publisher {
  const { maxWaitMs, timeoutMs } = options;
  const maxMessages = Math.max(1, options.maxMessages);
  const maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  let waiting: Waiter[] = [];
  let waitingMessages = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** The waiting batch is due but the producer is busy: it goes when a send completes. */
  let overdue = false;
  const inFlight = new Set<Promise<void>>();

  const cancelTimer = () => {
    if (timer === undefined) return;
    if (maxWaitMs > 0) clearTimeout(timer as NodeJS.Timeout);
    else clearImmediate(timer as NodeJS.Immediate);
    timer = undefined;
  };

  const flush = () => {
    cancelTimer();
    overdue = false;
    if (waiting.length === 0) return;
    const batch = waiting;
    const messages = waitingMessages;
    waiting = [];
    waitingMessages = 0;
    options.onFlush?.({ messages, requests: batch.length });
    const events = batch.length === 1 ? batch[0]!.events : batch.flatMap((w) => w.events);
    const deadLetters = batch.length === 1 ? batch[0]!.deadLetters : batch.flatMap((w) => w.deadLetters);
    let sending: Promise<void>;
    try {
      sending = inner.publish(events, deadLetters);
    } catch (err) {
      sending = Promise.reject(err);
    }
    const done = sending.then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
    inFlight.add(done);
    void done.finally(() => {
      inFlight.delete(done);
      // What came in during the send has waited at least that long: it goes now, as one batch.
      if (overdue && inFlight.size < maxInFlight) flush();
    });
  };

  /** The wait is over: send, unless the producer is busy (then the end of its send sends this batch). */
  const due = () => {
    timer = undefined;
    if (inFlight.size < maxInFlight) flush();
    else overdue = true;
  };

  const schedule = () => {
    if (timer !== undefined || overdue) return;
    timer = maxWaitMs > 0 ? setTimeout(due, maxWaitMs) : setImmediate(due);
  };

  return {
    publish(events, deadLetters = []) {
      const size = events.length + deadLetters.length;
      if (size === 0) return Promise.resolve();
      // Never split one request: send what is waiting first if this one would overflow the batch.
      if (waitingMessages > 0 && waitingMessages + size > maxMessages) flush();
      const result = new Promise<void>((resolve, reject) => {
        waiting.push({ events, deadLetters, resolve, reject });
      });
      waitingMessages += size;
      if (waitingMessages >= maxMessages) flush();
      else schedule();
      return withTimeout(result, timeoutMs, "kafka publish");
    },
    isConnected: () => inner.isConnected(),
    async close() {
      flush();
      await Promise.allSettled([...inFlight]);
      await inner.close();
    },
  };
}

/** The batching settings of the config; batching is off when maxMessages is 0 (or 1). */
export function withBatching(
  inner: Publisher,
  config: { INGEST_BATCH_MAX_WAIT_MS: number; INGEST_BATCH_MAX_MESSAGES: number; INGEST_PUBLISH_TIMEOUT_MS: number },
): Publisher {
  if (config.INGEST_BATCH_MAX_MESSAGES <= 1) return inner;
  return createBatchingPublisher(inner, {
    maxWaitMs: config.INGEST_BATCH_MAX_WAIT_MS,
    maxMessages: config.INGEST_BATCH_MAX_MESSAGES,
    timeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS,
  });
}
