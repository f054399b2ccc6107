// Alert rules as pure functions: which row changes raise an alert, and the alert's JSON shape.
// An alert's id and idempotency key derive from rule + operation id, so duplicates, redeliveries
// and replays of the same incident never raise a second alert.
import { createHash } from "node:crypto";
import type { OperationState } from "./operation.js";

export const ALERT_RULES = ["failed-cancellation", "failed-operation", "stuck-operation"] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
export type AlertSeverity = "critical" | "warning";

export const CANCEL_OPERATION_TYPE = "cancelMediaProcessingOperation";

export interface AlertRules {
  /** Operation types whose failure raises "failed-operation" (off when empty). */
  failedTypes: string[];
  /** False only for replays (rebuild): history is re-folded, its alerts were raised long ago. */
  raise?: boolean;
}
export const DEFAULT_ALERT_RULES: AlertRules = { failedTypes: [] };
/** A replay re-folds old events: it raises no alert (the outbox already holds those it raised live). */
export const NO_ALERTS: AlertRules = { failedTypes: [], raise: false };

export interface AlertDraft {
  id: string;
  idempotencyKey: string;
  rule: AlertRule;
  severity: AlertSeverity;
  title: string;
  operationId: string;
  callId: string;
  type: string;
  status: string;
  resultCode: number | null;
  resultSubcode: number | null;
  resultMessage: string | null;
  createdAt: Date;
}

export function alertKey(rule: AlertRule, operationId: string): { id: string; idempotencyKey: string } {
  const idempotencyKey = `${rule}:${operationId}`;
  return { id: `al_${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}`, idempotencyKey };
}

/** The operation fields an alert copies. */
export type AlertSubject = Pick<OperationState, "id" | "callId" | "type" | "status" | "resultCode" | "resultSubcode" | "resultMessage">;

function draft(rule: AlertRule, severity: AlertSeverity, title: string, s: AlertSubject, at: Date): AlertDraft {
  return {
    ...alertKey(rule, s.id),
    rule,
    severity,
    title,
    operationId: s.id,
    callId: s.callId,
    type: s.type,
    status: s.status,
    resultCode: s.resultCode,
    resultSubcode: s.resultSubcode,
    resultMessage: s.resultMessage,
    createdAt: at,
  };
}

const becameFailed = (before: OperationState | undefined, after: OperationState) =>
  after.outcome === "failed" && before?.outcome !== "failed";

/**
 * The alerts a row change raises. A cancelMediaProcessingOperation that fails raises
 * "failed-cancellation"; an operation stopped by a successful cancel (outcome canceled) raises none.
 */
export function alertsFor(before: OperationState | undefined, after: OperationState, rules: AlertRules, at: Date): AlertDraft[] {
  if (rules.raise === false || !becameFailed(before, after)) return [];
  if (after.type === CANCEL_OPERATION_TYPE) {
    return [draft("failed-cancellation", "critical", `Cancellation failed on call ${after.callId}`, after, at)];
  }
  if (rules.failedTypes.includes(after.type)) {
    return [draft("failed-operation", "warning", `${after.type} failed on call ${after.callId}`, after, at)];
  }
  return [];
}

/** The sweeper's alert for an operation still notStarted/running after the configured time. */
export function stuckAlertFor(s: AlertSubject, minutes: number, at: Date): AlertDraft {
  return draft("stuck-operation", "warning", `${s.type} ${s.status} for more than ${minutes} min on call ${s.callId}`, s, at);
}

/** An alert row as stored (the outbox table): the draft's fields plus acknowledgement and delivery state. */
export interface AlertRecord extends Omit<AlertDraft, "idempotencyKey" | "rule" | "severity"> {
  rule: string;
  severity: string;
  state: string;
  ackedBy: string | null;
  ackedAt: Date | null;
  ackNote: string | null;
  kafkaState: string;
  kafkaAttempts: number;
  kafkaLastError: string | null;
  webhookState: string;
  webhookAttempts: number;
  webhookLastError: string | null;
}

/** The alert's public JSON shape (API, Kafka topic, webhook). */
export function alertView(a: AlertRecord) {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    title: a.title,
    operationId: a.operationId,
    callId: a.callId,
    type: a.type,
    status: a.status,
    resultInfo:
      a.resultCode === null && a.resultSubcode === null && a.resultMessage === null
        ? null
        : { code: a.resultCode, subcode: a.resultSubcode, message: a.resultMessage },
    createdAt: a.createdAt.toISOString(),
    state: a.state as "open" | "acknowledged",
    ackedBy: a.ackedBy,
    ackedAt: a.ackedAt?.toISOString() ?? null,
    ackNote: a.ackNote,
    deliveries: {
      kafka: { state: a.kafkaState, attempts: a.kafkaAttempts, lastError: a.kafkaLastError },
      webhook: { state: a.webhookState, attempts: a.webhookAttempts, lastError: a.webhookLastError },
    },
  };
}
export type AlertView = ReturnType<typeof alertView>;
