// Canonical JSON (sorted keys) and content hashes: the same content always gets the same id.
import { hash } from "node:crypto";

export function stableStringify(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + stableStringify(value[i]);
    return `${out}]`;
  }
  // Keys in UTF-16 code-unit order (sort's default), properties whose value is undefined left out.
  const record = value as Record<string, unknown>;
  let out = "{";
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${stableStringify(v)}`;
  }
  return `${out}}`;
}

export function contentId(value: unknown): string {
  return hash("sha256", stableStringify(value), "base64url").slice(0, 32);
}
