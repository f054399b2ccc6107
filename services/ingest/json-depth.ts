// A bound on JSON nesting: Graph's payloads are a handful of levels deep; a body nested thousands of
// levels deep would only exhaust the stack of the recursive steps after it (redaction, hashing).
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests objects/arrays deeper than `max` levels. Iterative: never overflows itself. */
export function exceedsDepth(value: unknown, max: number): boolean {
  // Two parallel stacks (values, their depths): no tuple allocated per node.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
