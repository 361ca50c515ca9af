import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type ChangeCause, type RestoreRequest, restoreJournalPath } from '@cognito-rewind/core';
import { isLoopbackEndpoint } from '@cognito-rewind/core/adapters/aws';
import type { CommandContext } from '../io/commandContext.js';
import { parsePoolId } from '../io/options.js';
import { parseAt } from '../io/parseTime.js';
import type { ParsedRestoreOptions, RestoreOptions } from './restoreOptions.js';

/** Everything the restore is asked, checked: a bad pool id or time is exit 2 before any read. */
export function restoreRequest(
  raw: RestoreOptions & { pool: string },
  options: ParsedRestoreOptions,
  ctx: CommandContext,
): RestoreRequest & { createPool?: string } {
  const sourcePoolId = parsePoolId(raw.pool);
  // --revert takes its time from the change record; the request's time only names the journal.
  const at = raw.revert !== undefined ? 'revert' : parseAt(raw.at ?? '', ctx.clock.now());
  return {
    sourcePoolId,
    targetPoolId: raw.targetPool === undefined ? sourcePoolId : parsePoolId(raw.targetPool),
    at,
    mode: options.mode,
    notify: options.notify,
    ...(options.only ? { only: options.only } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
    ...(raw.revert !== undefined ? { revert: raw.revert } : {}),
    ...(raw.createPool !== undefined ? { createPool: raw.createPool } : {}),
  };
}

/** Where a restore keeps its journal: one per set of arguments, so a re-run finds the one it continues. */
export function journalFile(storeDir: string, request: RestoreRequest & { createPool?: string }): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        request.sourcePoolId,
        request.createPool ?? request.targetPoolId,
        request.at,
        request.mode,
        request.only,
        request.users,
        request.groups,
        request.revert,
      ]),
    )
    .digest('hex')
    .slice(0, 24);
  return join(storeDir, restoreJournalPath(request.sourcePoolId, key));
}

/**
 * What every record of this restore names: the restore (its journal's id: the same for a re-run that
 * continues it) and who runs it — the access key its calls are signed with, which is how CloudTrail
 * shows them; on a local endpoint also the IAM user the CloudTrail tap names after that key.
 */
export async function restoreCause(
  client: CognitoIdentityProviderClient,
  endpoint: string | undefined,
  journal: string,
): Promise<ChangeCause> {
  const restoreId = basename(journal).replace(/\.journal\.ndjson$/, '');
  const credentials = await client.config.credentials().catch(() => undefined);
  const accessKeyId = credentials?.accessKeyId;
  if (accessKeyId === undefined || accessKeyId === '') return { restoreId };
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  return {
    restoreId,
    operatorAccessKeyId: accessKeyId,
    ...(local ? { operatorArn: `arn:aws:iam::000000000000:user/${accessKeyId}` } : {}),
  };
}
