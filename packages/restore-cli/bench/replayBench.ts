import {
  type ChangeRecord,
  countByKind,
  entityKey,
  makeRecord,
  SnapshotStore,
  stateAt,
} from '@cognito-rewind/core';
import { DirectoryBlobStore, DirectoryChangeLog } from '@cognito-rewind/core/adapters/local';
import { syntheticUsers, userDoc, username } from './synthetic.js';

const POOL = 'us-east-1_Bench';
const T0 = Date.parse('2024-06-01T00:00:00.000Z');
const SPAN_MS = 2 * 60 * 60 * 1000;

/**
 * Builds the replay benchmark's store in `dir`: a snapshot of `users` users at T0, then `records`
 * change records (updates, round-robin over users) spread evenly over the two hours after it.
 */
export async function setUpReplay(dir: string, users: number, records: number) {
  const snapshots = new SnapshotStore(new DirectoryBlobStore(dir));
  const at = new Date(T0).toISOString();
  await snapshots.write(
    {
      poolId: POOL,
      snapshotId: '01HZ0000000000000000000000',
      at,
      createdAt: at,
      kind: 'scan',
      lastChangeId: null,
      counts: countByKind(Array.from({ length: users }, (_, i) => entityKey('user', username(i)))),
      notCaptured: [],
    },
    syntheticUsers(users),
  );
  const log = new DirectoryChangeLog(dir);
  const heads = new Map<number, { version: number; hash: string | null }>();
  const batch: ChangeRecord[] = [];
  for (let n = 0; n < records; n++) {
    const i = n % users;
    const head = heads.get(i) ?? { version: 0, hash: null };
    const when = new Date(T0 + Math.floor(((n + 1) * SPAN_MS) / records)).toISOString();
    const record = makeRecord({
      poolId: POOL,
      entity: entityKey('user', username(i)),
      head: { ...head, doc: userDoc(i, head.version) },
      after: userDoc(i, head.version + 1),
      validFrom: when,
      observedAt: when,
      source: 'reconcile',
    });
    heads.set(i, { version: record.version, hash: record.hash });
    batch.push(record);
    if (batch.length === 10_000) await log.appendMany(batch.splice(0));
  }
  await log.appendMany(batch.splice(0));
  return { users, records };
}

/** Replays the store built by {@link setUpReplay} to the middle of its change history. */
export async function measureReplay(dir: string) {
  const store = {
    snapshots: new SnapshotStore(new DirectoryBlobStore(dir)),
    changeLog: new DirectoryChangeLog(dir),
  };
  const at = new Date(T0 + SPAN_MS / 2).toISOString();
  const start = performance.now();
  const result = await stateAt(store, POOL, at);
  let entities = 0;
  let changed = 0;
  for await (const entry of result.entities) {
    entities++;
    if (entry.version > 0) changed++;
  }
  return {
    at,
    entities,
    entitiesChangedSinceSnapshot: changed,
    wallSeconds: Number(((performance.now() - start) / 1000).toFixed(3)),
  };
}
