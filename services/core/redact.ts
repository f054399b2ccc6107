// Secrets that must never leave ingest: removed from everything stored, logged or served.
export const SECRET_KEYS = new Set(["recordingaccesstoken", "clientstate", "authorization", "accesstoken", "access_token"]);
export const REDACTED = "[redacted]";

/** Returns a deep copy with every secret-named property's value replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(record)) {
      const v = record[k];
      const kept = SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? REDACTED : redactSecrets(v);
      // defineProperty, not assignment, for "__proto__": a "__proto__" key from JSON stays a plain, kept property.
      if (k === "__proto__") Object.defineProperty(out, k, { value: kept, enumerable: true, writable: true, configurable: true });
      else out[k] = kept;
    }
    return out as T;
  }
  return value;
}
