/**
 * CSV for the restore ledgers, which people open in spreadsheets. A cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets, and a
 * username or app client name can be made to start that way: such a cell gets a leading `'` (OWASP's
 * CSV injection advice), which spreadsheets show as text. Quoting is RFC 4180's: a cell holding a
 * quote, comma or line break is quoted, its quotes doubled.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\n\r]/;

/** One cell, neutralised then quoted as needed. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header line and one line per row, each ending in a line break. */
export function csvTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
