import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestoreReport } from '@cognito-rewind/core';
import { csvTable as csv } from './csv.js';

/**
 * Writes `restore-report-<time>.json` and, beside it, the ledgers applications need: old → new
 * `sub` (and, where Cognito named it, new username) of re-created users and old → new id of
 * re-created app clients, as CSV and JSON.
 */
export async function writeReportFiles(dir: string, report: RestoreReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stamp = report.finishedAt.replace(/[:.]/g, '');
  const files: [string, string][] = [
    [`restore-report-${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`],
  ];
  if (report.subLedger.length > 0) {
    // new_username: the name Cognito gave a user re-created where email or phone is the username.
    const rows = report.subLedger.map((e) => [e.username, e.oldSub, e.newSub, e.newUsername ?? '']);
    files.push([`sub-ledger-${stamp}.csv`, csv(['username', 'old_sub', 'new_sub', 'new_username'], rows)]);
    files.push([`sub-ledger-${stamp}.json`, `${JSON.stringify(report.subLedger, null, 2)}\n`]);
  }
  if (report.clientLedger.length > 0) {
    const rows = report.clientLedger.map((e) => [e.clientName, e.oldClientId, e.newClientId]);
    files.push([
      `client-id-ledger-${stamp}.csv`,
      csv(['client_name', 'old_client_id', 'new_client_id'], rows),
    ]);
    files.push([`client-id-ledger-${stamp}.json`, `${JSON.stringify(report.clientLedger, null, 2)}\n`]);
  }
  for (const [name, body] of files) await writeFile(join(dir, name), body);
  return files.map(([name]) => join(dir, name));
}
