// A fast path in front of the event schema, for the projector's hot loop: the usual OperationObserved event
// (what ingest writes) is checked field by field, in place, instead of through zod, which copies every
// object of the event (about a quarter of the projector's allocations) to return an equal one.
// It accepts a SUBSET of what operationObservedSchema accepts, and only events the schema would return
// unchanged (no key it would strip, no value it would convert): anything else, or anything unusual, answers
// undefined and goes through zod as before. test/unit/event-guard.unit.test.ts checks both halves.
import { EVENT_SOURCES, EVENT_VERSION, type OperationObserved } from "./events.js";

type Obj = Record<string, unknown>;

// Spelled out, not read from the schema: a key the schema gains is then left to zod until it is checked here.
const TOP_KEYS = new Set(["type", "v", "meta", "data"]);
const META_KEYS = new Set(["eventId", "receivedAt", "requestId", "source", "authenticated", "tenantId", "subscriptionId"]);
const DATA_KEYS = new Set([
  "callId",
  "operationId",
  "operationType",
  "changeType",
  "status",
  "clientContext",
  "resultInfo",
  "all",
  "completionReason",
  "action",
  "resourceUrl",
  "resource",
  "envelope",
]);
const SOURCES: ReadonlySet<unknown> = new Set(EVENT_SOURCES);
// What Date.prototype.toISOString writes (ingest's receivedAt); also checked to be a real date below.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A plain JSON object (as JSON.parse builds them); one with an own "__proto__" key is left to the schema. */
function isPlain(v: unknown): v is Obj {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype &&
    !Object.hasOwn(v, "__proto__")
  );
}

function onlyKeys(o: Obj, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

const optionalString = (v: unknown) => v === undefined || typeof v === "string";
const nonEmptyString = (v: unknown) => typeof v === "string" && v.length > 0;
const optionalInt = (v: unknown) => v === undefined || (typeof v === "number" && Number.isSafeInteger(v));

/** Digits of `s` from `at`, `length` of them, as a number (the regex has checked they are digits). */
function digits(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real instant written as toISOString writes it: the pattern, then each field in its range. */
function isUtcInstant(v: unknown): boolean {
  if (typeof v !== "string" || !ISO_UTC.test(v)) return false;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS[month - 1];
  return days !== undefined && day >= 1 && day <= days && digits(v, 11, 2) <= 23 && digits(v, 14, 2) <= 59 && digits(v, 17, 2) <= 59;
}

function isResultInfo(v: unknown): boolean {
  return isPlain(v) && optionalString(v["@odata.type"]) && optionalInt(v.code) && optionalInt(v.subcode) && optionalString(v.message);
}

/** The event itself when it is an OperationObserved the schema would accept unchanged; otherwise undefined. */
export function fastOperationObserved(json: unknown): OperationObserved | undefined {
  if (!isPlain(json) || json.type !== "OperationObserved" || json.v !== EVENT_VERSION) return undefined;
  if (!onlyKeys(json, TOP_KEYS)) return undefined;
  const { meta, data } = json;
  if (!isPlain(meta) || !onlyKeys(meta, META_KEYS)) return undefined;
  if (
    !nonEmptyString(meta.eventId) ||
    !isUtcInstant(meta.receivedAt) ||
    typeof meta.requestId !== "string" ||
    !SOURCES.has(meta.source) ||
    typeof meta.authenticated !== "boolean" ||
    !optionalString(meta.tenantId) ||
    !optionalString(meta.subscriptionId)
  )
    return undefined;
  if (!isPlain(data) || !onlyKeys(data, DATA_KEYS)) return undefined;
  if (
    !nonEmptyString(data.callId) ||
    !nonEmptyString(data.operationId) ||
    !nonEmptyString(data.operationType) ||
    !optionalString(data.changeType) ||
    !optionalString(data.status) ||
    !optionalString(data.clientContext) ||
    !(data.resultInfo === undefined || isResultInfo(data.resultInfo)) ||
    !(data.all === undefined || typeof data.all === "boolean") ||
    !optionalString(data.completionReason) ||
    !optionalString(data.action) ||
    !optionalString(data.resourceUrl) ||
    !isPlain(data.resource) ||
    !(data.envelope === undefined || isPlain(data.envelope))
  )
    return undefined;
  return json as OperationObserved;
}
