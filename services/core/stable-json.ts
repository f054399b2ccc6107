// Canonical JSON (sorted keys) and content hashes: the same content always gets the same id.
import { createHash } from "node:crypto";

export function stableStringify(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}

export function contentId(value: unknown): string {
  return createHash("sha256").update(stableStringify(value)).digest("base64url").slice(0, 32);
}
