import {
  type AuditRow,
  InvalidInputError,
  type JsonObject,
  type LifeStep,
  rowWords,
} from '@cognito-rewind/core';
import Table from 'cli-table3';
import { csvCell } from './csv.js';
import type { IoHost } from './ioHost.js';

/**
 * How `restore-cli audit` prints rows, a page at a time as they arrive: a table per page, one JSON
 * array over all pages (streamed: `[`, a row per line, `]`), one JSON object per line, or CSV with one
 * header (cells a spreadsheet would run as formulas neutralised, see `csv.ts`). JSON keeps each change
 * record whole: its RFC 6902 patch and its after-image.
 */
export const AUDIT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function auditFormatOf(value: string | undefined): AuditFormat {
  const format = value ?? 'table';
  if (!(AUDIT_FORMATS as readonly string[]).includes(format))
    throw new InvalidInputError(`--format ${format} is not one of ${AUDIT_FORMATS.join(', ')}`);
  return format as AuditFormat;
}

/** The columns of a printed view: each row's cells in order. */
export interface Columns<R> {
  head: readonly string[];
  cells(row: R): string[];
  json(row: R): JsonObject;
}

/** Prints pages of one query; `end()` closes what the format opened (the JSON array). */
export class PagePrinter<R> {
  private rows = 0;
  constructor(
    private readonly io: IoHost,
    private readonly format: AuditFormat,
    private readonly columns: Columns<R>,
  ) {}

  get printed(): number {
    return this.rows;
  }

  page(rows: readonly R[]): void {
    if (rows.length === 0) return;
    const first = this.rows === 0;
    this.rows += rows.length;
    const { io, columns } = this;
    switch (this.format) {
      case 'table': {
        const table = new Table({ head: [...columns.head], style: { head: [], border: [] }, wordWrap: true });
        for (const row of rows) table.push(columns.cells(row));
        io.out(table.toString());
        return;
      }
      case 'json':
        rows.forEach((row, i) => {
          io.out(`${first && i === 0 ? '[' : ','}${JSON.stringify(columns.json(row))}`);
        });
        return;
      case 'ndjson':
        for (const row of rows) io.out(JSON.stringify(columns.json(row)));
        return;
      case 'csv':
        if (first) io.out(columns.head.map(csvCell).join(','));
        for (const row of rows) io.out(columns.cells(row).map(csvCell).join(','));
        return;
    }
  }

  end(): void {
    if (this.format === 'json') this.io.out(this.rows === 0 ? '[]' : ']');
    if (this.format === 'csv' && this.rows === 0) this.io.out(this.columns.head.map(csvCell).join(','));
  }
}

const changeIds = (row: AuditRow) => [...row.changes.map((change) => change.id), ...row.missing];

export const AUDIT_COLUMNS: Columns<AuditRow> = {
  head: ['time', 'event', 'caller', 'source ip', 'entity', 'change', 'change id', 'source'],
  cells: (row) => [
    row.time,
    row.event ?? '',
    row.caller ?? '',
    row.sourceIp ?? '',
    row.entities.join(' '),
    rowWords(row),
    changeIds(row).join(' '),
    row.source,
  ],
  json: (row) => ({
    time: row.time,
    source: row.source,
    ...(row.event === undefined ? {} : { event: row.event }),
    ...(row.caller === undefined ? {} : { caller: row.caller }),
    ...(row.accessKeyId === undefined ? {} : { accessKeyId: row.accessKeyId }),
    ...(row.sourceIp === undefined ? {} : { sourceIp: row.sourceIp }),
    entities: row.entities,
    change: rowWords(row),
    changeIds: changeIds(row),
    ...(row.errorCode === undefined ? {} : { errorCode: row.errorCode }),
    ...(row.outcome === undefined ? {} : { outcome: row.outcome }),
    ...(row.reason === undefined ? {} : { reason: row.reason }),
    changes: row.changes.map((change) => ({
      id: change.id,
      entity: change.entity,
      words: change.words,
      patch: change.record.patch as unknown as JsonObject[],
      record: change.record as unknown as JsonObject,
    })),
  }),
};

const MAX_STATE = 120;

/** The state after a change, in one line: a user's flags, groups and attributes; any other entity as JSON. */
export function stateInBrief(after: JsonObject | null): string {
  if (after === null) return 'deleted';
  const attributes = after.attributes;
  let text: string;
  if (typeof after.enabled === 'boolean' && typeof attributes === 'object' && attributes !== null) {
    const groups = Array.isArray(after.groups) ? after.groups.join(',') : '';
    const pairs = Object.entries(attributes)
      .filter(([name]) => name !== 'sub')
      .map(([name, value]) => `${name}=${String(value)}`);
    text = [
      after.enabled ? 'enabled' : 'disabled',
      String(after.status ?? ''),
      `groups: ${groups || '-'}`,
      ...pairs,
    ]
      .filter((part) => part !== '')
      .join('; ');
  } else text = JSON.stringify(after);
  return text.length > MAX_STATE ? `${text.slice(0, MAX_STATE - 1)}…` : text;
}

export const HISTORY_COLUMNS: Columns<LifeStep> = {
  head: ['version', 'time', 'source', 'event', 'caller', 'change', 'change id', 'state after'],
  cells: (step) => [
    String(step.version),
    step.time,
    step.source,
    step.event ?? '',
    step.caller ?? '',
    step.words.join(', '),
    step.id,
    stateInBrief(step.after),
  ],
  json: (step) => ({
    version: step.version,
    time: step.time,
    source: step.source,
    ...(step.event === undefined ? {} : { event: step.event }),
    ...(step.caller === undefined ? {} : { caller: step.caller }),
    change: step.words.join(', '),
    changeId: step.id,
    after: step.after,
    patch: step.record.patch as unknown as JsonObject[],
    record: step.record as unknown as JsonObject,
  }),
};
