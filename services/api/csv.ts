// CSV for auditors (RFC 4180): a header row, CRLF line ends, fields quoted when they need it.
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

export function csvLines<T>(columns: CsvColumn<T>[], rows: T[]): string {
  return rows.map((r) => csvRow(columns.map((c) => c.value(r)))).join("");
}

export function csvHeader<T>(columns: CsvColumn<T>[]): string {
  return csvRow(columns.map((c) => c.header));
}
