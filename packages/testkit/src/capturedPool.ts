import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CaptureDeps, Clock } from '@cognito-rewind/core';
import {
  type CognitoEvent,
  collectState,
  parseCognitoEvent,
  SnapshotStore,
  stateAt,
  takeBackup,
} from '@cognito-rewind/core';
import type { AwsCognitoReader } from '@cognito-rewind/core/adapters/aws';
import { MemoryBlobStore, MemoryChangeLog } from '@cognito-rewind/core/adapters/memory';

/**
 * Test support for capture under CloudTrail's delivery: events built from the real CloudTrail
 * fixtures as CloudTrail writes them (whole-second times, masked usernames and attributes, the sub in
 * additionalEventData), for calls made on the fake at a hand-moved clock, then delivered late.
 */

/** The fields of a fixture's record a test points at its pool, user and time. */
export interface Detail {
  requestParameters: Record<string, unknown>;
  additionalEventData: Record<string, unknown>;
  responseElements: Record<string, unknown> | null;
  userIdentity: Record<string, unknown>;
  [field: string]: unknown;
}

/** CloudTrail's record of `name` called at `at` on `poolId`, with its own event id. */
export function cloudTrailEvent(
  name: string,
  poolId: string,
  at: number,
  edit: (detail: Detail) => void = () => {},
): CognitoEvent {
  const json = JSON.parse(
    readFileSync(new URL(`../../core/src/capture/fixtures/${name}.json`, import.meta.url), 'utf8'),
  );
  json.detail.requestParameters = { ...(json.detail.requestParameters ?? {}), userPoolId: poolId };
  json.detail.additionalEventData ??= {};
  json.detail.eventTime = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  json.detail.eventID = randomUUID();
  edit(json.detail);
  const parsed = parseCognitoEvent(json);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

/** A new pool on the fake with groups `ops` and `admins`, and a first full read of it. */
export async function newCapturedPool(
  cognito: CognitoIdentityProviderClient,
  reader: AwsCognitoReader,
  clock: Clock,
): Promise<{ poolId: string; deps: CaptureDeps & { snapshots: SnapshotStore } }> {
  const created = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'late',
      Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const poolId = created.UserPool?.Id ?? '';
  for (const GroupName of ['ops', 'admins'])
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }));
  const deps = {
    reader,
    clock,
    changeLog: new MemoryChangeLog(),
    snapshots: new SnapshotStore(new MemoryBlobStore()),
  };
  await takeBackup(deps, poolId);
  return { poolId, deps };
}

/** The state at `at` as `restore-cli state` prints it: users and their unknown fields. */
export async function stateOf(deps: CaptureDeps & { snapshots: SnapshotStore }, poolId: string, at: number) {
  return collectState(await stateAt(deps, poolId, new Date(at).toISOString()));
}
