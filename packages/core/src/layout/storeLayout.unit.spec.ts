import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { segmentKey } from '../segments/segmentLayout.js';
import { poolOfManifestKey, snapshotObjectKey } from '../snapshots/snapshotLayout.js';
import {
  changeJournalPaths,
  checkpointPath,
  deltasPrefix,
  isRestoreJournalName,
  largeRecordKey,
  restoreJournalPath,
  restoresFolder,
  snapshotsPrefix,
  trailFolder,
} from './storeLayout.js';

const POOL = 'eu-west-1_Layout1';
const ULID = '01J0000000000000000000000A';

describe('storeLayout', () => {
  it('keeps everything of a pool under cognito-backup/<poolId>/, as docs/store-layout.md shows', () => {
    expect(snapshotsPrefix(POOL)).toBe(`cognito-backup/${POOL}/snapshots/`);
    expect(deltasPrefix(POOL)).toBe(`cognito-backup/${POOL}/deltas/`);
    expect(largeRecordKey(POOL, ULID)).toBe(`cognito-backup/${POOL}/changes/large/${ULID}.json`);
    expect(changeJournalPaths(POOL)).toEqual({
      dir: `cognito-backup/${POOL}/changes`,
      journal: `cognito-backup/${POOL}/changes/journal.log`,
      lock: `cognito-backup/${POOL}/changes/journal.lock`,
      marks: `cognito-backup/${POOL}/changes/journal.marks`,
      scan: `cognito-backup/${POOL}/changes/journal.scan`,
    });
    expect(restoresFolder(POOL)).toBe(`cognito-backup/${POOL}/restores`);
    expect(restoreJournalPath(POOL, 'abc123')).toBe(`cognito-backup/${POOL}/restores/abc123.journal.ndjson`);
    expect(isRestoreJournalName('abc123.journal.ndjson')).toBe(true);
    expect(isRestoreJournalName('abc123.journal.ndjson.tmp')).toBe(false);
  });

  it('keeps the trail and checkpoints beside the pools', () => {
    expect(trailFolder(POOL)).toBe(`trail/${POOL}`);
    expect(checkpointPath(`reconcile/${POOL}`)).toBe(`checkpoints/reconcile/${POOL}.json`);
  });

  it('names snapshots and segments under the pool prefixes', () => {
    const snapshot = snapshotObjectKey(POOL, '2024-06-01T10:20:30.000Z', ULID);
    expect(snapshot.startsWith(snapshotsPrefix(POOL))).toBe(true);
    expect(poolOfManifestKey(snapshot.replace('.ndjson.gz', '.manifest.json'))).toBe(POOL);
    expect(segmentKey(POOL, ULID).startsWith(deltasPrefix(POOL))).toBe(true);
  });

  it.each(['', 'a/b'])('refuses a pool id that cannot name one folder: %j', (poolId) => {
    for (const key of [snapshotsPrefix, deltasPrefix, restoresFolder, trailFolder])
      expect(() => key(poolId)).toThrow(InvalidInputError);
    expect(() => largeRecordKey(poolId, ULID)).toThrow('cannot name a folder of the store');
  });
});
