// Human output: aligned key/value blocks and tables, plain text (no colours), one line per row.

export function keyValues(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** Columns are padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export function resultInfo(ri: { code: number | null; subcode: number | null; message: string | null } | null | undefined): string {
  if (!ri) return "-";
  const code = [ri.code, ri.subcode].filter((v) => v !== null && v !== undefined).join("/");
  return [code, ri.message].filter(Boolean).join(" ") || "-";
}

export const dash = (v: unknown): string => (v === null || v === undefined || v === "" ? "-" : String(v));
