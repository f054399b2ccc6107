// Seeded random event streams for the reference tests: many operations, shuffled, duplicated,
// interleaved; the same seed always yields the same stream.
import type { OperationObserved } from "../../services/core/index.js";
import { opEvent } from "./events.js";

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["notStarted", "running", "completed", "failed", "running", undefined, "someFutureStatus"];
const TYPES = ["playPromptOperation", "recordOperation", "cancelMediaProcessingOperation", "unknownOperation"];
const REASONS = [undefined, "operationCanceled", "completedSuccessfully"];

export interface RandomStreamOptions {
  seed: number;
  operations: number;
  events: number;
  /** Probability that an event is delivered twice (same event id). */
  duplicateRate?: number;
  /** Prefix of operation ids, so streams of different tests never share rows. */
  prefix?: string;
}

export function randomStream(o: RandomStreamOptions): OperationObserved[] {
  const rnd = prng(o.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const prefix = o.prefix ?? "r";
  const base = Date.UTC(2026, 0, 1);
  const out: OperationObserved[] = [];
  for (let i = 0; i < o.events; i++) {
    const op = Math.floor(rnd() * o.operations);
    const at = new Date(base + Math.floor(rnd() * 3_600_000)).toISOString();
    const status = pick(STATUSES);
    const withResult = rnd() < 0.6;
    const event = opEvent({
      operationId: `${prefix}-op-${op}`,
      callId: `${prefix}-call-${op % 17}`,
      type: pick(TYPES),
      status,
      at,
      eventId: `${prefix}-e-${i}`,
      ...(withResult ? { resultInfo: { code: pick([200, 400, 500]), subcode: pick([0, 8508, 9001]), message: `m${i % 5}` } } : {}),
      ...(rnd() < 0.5 ? { clientContext: `ctx-${op}-${i % 3}` } : {}),
      ...(rnd() < 0.3 ? { completionReason: pick(REASONS) } : {}),
      ...(rnd() < 0.2 ? { all: rnd() < 0.5 } : {}),
      resource: rnd() < 0.3 ? { note: `n${i % 4}` } : {},
    });
    out.push(event);
    if (rnd() < (o.duplicateRate ?? 0.15)) out.push(event);
  }
  // Shuffle (Fisher-Yates): arrival order is not time order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
