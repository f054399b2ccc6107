// The operation state machine and its pure fold: evolve(state, event) → state.
//
// Rules (see README, "Guarantees"):
// - Status only moves forward: notStarted → running → completed | failed.
// - A late lower status after a higher one is recorded in history ("stale") but not applied.
// - A second, different terminal status is a conflict: flagged on the row; the first terminal wins.
// - A duplicate event (same event id) changes nothing but is recorded, flagged, in history.
// - Fields come from the event that set the status; fields a later event lacks are not erased.
// - An event naming another call than the operation's is refused (throws: a poison event).
import type { OperationObserved } from "./events.js";
import type { ResultInfo } from "./graph.js";

export type KnownStatus = "notStarted" | "running" | "completed" | "failed";
export type Outcome = "succeeded" | "failed" | "canceled";

/** Graph's subcode for "operation canceled", set on an operation stopped by cancelMediaProcessing. */
export const CANCELED_SUBCODE = 8508;
const CANCELED_REASONS = new Set(["operationCanceled", "mediaOperationCanceled"]);

export interface OperationState {
  id: string;
  callId: string;
  tenantId: string | null;
  type: string;
  status: string;
  outcome: Outcome | null;
  clientContext: string | null;
  resultCode: number | null;
  resultSubcode: number | null;
  resultMessage: string | null;
  all: boolean | null;
  completionReason: string | null;
  conflict: boolean;
  conflictStatus: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastChangedAt: Date;
  eventCount: number;
  eventIds: string[];
  extra: Record<string, unknown> | null;
}

export type EffectKind = "created" | "advanced" | "updated" | "unchanged" | "stale" | "conflict" | "duplicate";

export interface Effect {
  kind: EffectKind;
  statusBefore: string | null;
  statusAfter: string;
}

export interface Evolution {
  state: OperationState;
  effect: Effect;
}

const RANK: Record<KnownStatus, number> = { notStarted: 0, running: 1, completed: 2, failed: 2 };

/** Rank of a status; unknown future values rank as "in progress" so they never end an operation. */
export function statusRank(status: string): number {
  return status in RANK ? RANK[status as KnownStatus] : 1;
}

export function isTerminal(status: string): boolean {
  return status === "completed" || status === "failed";
}

export function outcomeOf(status: string, resultSubcode: number | null, completionReason: string | null): Outcome | null {
  switch (status) {
    case "completed":
      return "succeeded";
    case "failed":
      return resultSubcode === CANCELED_SUBCODE || (completionReason !== null && CANCELED_REASONS.has(completionReason))
        ? "canceled"
        : "failed";
    default:
      return null;
  }
}

const KNOWN_RESOURCE_KEYS = new Set([
  "@odata.type",
  "@odata.id",
  "@odata.etag",
  "id",
  "status",
  "clientContext",
  "resultInfo",
  "all",
  "completionReason",
]);

function extraOf(resource: Record<string, unknown>): Record<string, unknown> | null {
  const extra = Object.fromEntries(Object.entries(resource).filter(([k]) => !KNOWN_RESOURCE_KEYS.has(k)));
  return Object.keys(extra).length > 0 ? extra : null;
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

/** Fields the event carries, each only when present (absent fields never erase known ones). */
function fieldsOf(event: OperationObserved) {
  const d = event.data;
  const r: ResultInfo | undefined = d.resultInfo;
  return {
    clientContext: d.clientContext,
    resultCode: r?.code,
    resultSubcode: r?.subcode,
    resultMessage: r?.message,
    all: d.all,
    completionReason: d.completionReason,
    tenantId: event.meta.tenantId,
    extra: extraOf(d.resource) ?? undefined,
  };
}

type Fields = ReturnType<typeof fieldsOf>;

/** Overwrites with the event's fields where it has them. */
function overwrite(state: OperationState, f: Fields): OperationState {
  return {
    ...state,
    clientContext: f.clientContext ?? state.clientContext,
    resultCode: f.resultCode ?? state.resultCode,
    resultSubcode: f.resultSubcode ?? state.resultSubcode,
    resultMessage: f.resultMessage ?? state.resultMessage,
    all: f.all ?? state.all,
    completionReason: f.completionReason ?? state.completionReason,
    tenantId: f.tenantId ?? state.tenantId,
    extra: f.extra ? { ...(state.extra ?? {}), ...f.extra } : state.extra,
  };
}

/** Fills only the fields the state does not know yet (for events that do not set the status). */
function fillGaps(state: OperationState, f: Fields): OperationState {
  return {
    ...state,
    clientContext: state.clientContext ?? f.clientContext ?? null,
    resultCode: state.resultCode ?? f.resultCode ?? null,
    resultSubcode: state.resultSubcode ?? f.resultSubcode ?? null,
    resultMessage: state.resultMessage ?? f.resultMessage ?? null,
    all: state.all ?? f.all ?? null,
    completionReason: state.completionReason ?? f.completionReason ?? null,
    tenantId: state.tenantId ?? f.tenantId ?? null,
    extra: f.extra ? { ...f.extra, ...(state.extra ?? {}) } : state.extra,
  };
}

function initial(event: OperationObserved, at: Date): OperationState {
  const d = event.data;
  return {
    id: d.operationId,
    callId: d.callId,
    tenantId: null,
    type: d.operationType,
    status: d.status ?? "notStarted",
    outcome: null,
    clientContext: null,
    resultCode: null,
    resultSubcode: null,
    resultMessage: null,
    all: null,
    completionReason: null,
    conflict: false,
    conflictStatus: null,
    firstSeenAt: at,
    lastSeenAt: at,
    lastChangedAt: at,
    eventCount: 0,
    eventIds: [],
    extra: null,
  };
}

function withOutcome(state: OperationState): OperationState {
  return { ...state, outcome: outcomeOf(state.status, state.resultSubcode, state.completionReason) };
}

/**
 * Folds one event into an operation's state. Pure: the time used is the event's own receipt time,
 * so replaying the same events in the same order always yields the same rows.
 */
export function evolve(state: OperationState | undefined, event: OperationObserved): Evolution {
  const at = new Date(event.meta.receivedAt);
  if (Number.isNaN(at.getTime())) throw new Error(`event ${event.meta.eventId} has an invalid receivedAt`);
  if (state && state.id !== event.data.operationId) {
    throw new Error(`event for operation ${event.data.operationId} folded into ${state.id}`);
  }
  // An operation belongs to one call (its id is unique within the call's resource path). An event
  // naming another call is corrupt or mis-keyed: refusing it sends it to the dead letters for review.
  if (state && state.callId !== event.data.callId) {
    throw new Error(
      `event ${event.meta.eventId} names call ${event.data.callId}, but operation ${state.id} belongs to call ${state.callId}`,
    );
  }
  if (state?.eventIds.includes(event.meta.eventId)) {
    return { state, effect: { kind: "duplicate", statusBefore: state.status, statusAfter: state.status } };
  }

  const f = fieldsOf(event);
  const reported = event.data.status;

  if (!state) {
    const created = withOutcome(overwrite(initial(event, at), f));
    return { state: bookkeep(created, event, at), effect: { kind: "created", statusBefore: null, statusAfter: created.status } };
  }

  const before = state.status;
  let next: OperationState;
  let kind: EffectKind;
  if (reported === undefined) {
    next = fillGaps(state, f);
    kind = "updated";
  } else if (isTerminal(before) && isTerminal(reported) && reported !== before) {
    next = { ...fillGaps(state, f), conflict: true, conflictStatus: state.conflictStatus ?? reported };
    kind = "conflict";
  } else if (statusRank(reported) < statusRank(before)) {
    next = state;
    kind = "stale";
  } else if (reported === before) {
    next = isTerminal(before) ? fillGaps(state, f) : overwrite(state, f);
    kind = "unchanged";
  } else {
    next = { ...overwrite(state, f), status: reported, lastChangedAt: later(state.lastChangedAt, at) };
    kind = "advanced";
  }
  if (state.type === "unknownOperation" && event.data.operationType !== "unknownOperation") {
    next = { ...next, type: event.data.operationType };
  }
  next = withOutcome(next);
  return { state: bookkeep(next, event, at), effect: { kind, statusBefore: before, statusAfter: next.status } };
}

function bookkeep(state: OperationState, event: OperationObserved, at: Date): OperationState {
  return {
    ...state,
    firstSeenAt: earlier(state.firstSeenAt, at),
    lastSeenAt: later(state.lastSeenAt, at),
    eventCount: state.eventCount + 1,
    eventIds: [...state.eventIds, event.meta.eventId],
  };
}

/** Folds a sequence of events into per-operation states (the in-memory reference projection). */
export function foldAll(events: Iterable<OperationObserved>, states = new Map<string, OperationState>()): Map<string, OperationState> {
  for (const event of events) {
    states.set(event.data.operationId, evolve(states.get(event.data.operationId), event).state);
  }
  return states;
}
