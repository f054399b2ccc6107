// Secrets that must never leave ingest: removed from everything stored, logged or served.
export const SECRET_KEYS = new Set(["recordingaccesstoken", "clientstate", "authorization", "accesstoken", "access_token"]);
export const REDACTED = "[redacted]";

/** Returns a deep copy with every secret-named property's value replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty, not assignment: a "__proto__" key from JSON stays a plain, kept property.
      Object.defineProperty(out, k, {
        value: SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? REDACTED : redactSecrets(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}
