import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../adapters/memory/memoryBlobStore.js';
import { BlobExistsError, InvalidInputError, SnapshotCorruptError, SnapshotMissingError } from '../errors.js';
import type { EntityEntry } from '../model/poolState.js';
import type { SnapshotHeader } from '../model/snapshotFormat.js';
import { SnapshotStore } from './snapshotStore.js';

const POOL = 'us-east-1_Store';

const entries: EntityEntry[] = [
  { key: 'group:admins', version: 1, hash: 'a1', doc: { GroupName: 'admins' } },
  { key: 'user:alice', version: 0, hash: null, doc: { username: 'alice' } },
  { key: 'user:bob', version: 4, hash: 'b4', doc: { username: 'bob' } },
];

const header = (
  at: string,
  snapshotId: string,
  poolId = POOL,
  list: EntityEntry[] = entries,
): Omit<SnapshotHeader, 'format'> => ({
  poolId,
  snapshotId,
  at,
  createdAt: at,
  kind: 'scan',
  lastChangeId: null,
  counts: list.length === 0 ? {} : { group: 1, user: 2 },
  notCaptured: ['domain'],
});

const ID1 = '01HQ0000000000000000000001';
const ID2 = '01HQ0000000000000000000002';
const ID3 = '01HQ0000000000000000000003';

async function read(opened: { entries: AsyncIterable<EntityEntry> }): Promise<EntityEntry[]> {
  const out: EntityEntry[] = [];
  for await (const entry of opened.entries) out.push(entry);
  return out;
}

function setup() {
  const blobs = new MemoryBlobStore();
  return { blobs, store: new SnapshotStore(blobs) };
}

describe('SnapshotStore', () => {
  it('writes the object, then its manifest beside it, under the dated layout', async () => {
    const { blobs, store } = setup();
    const manifest = await store.write(header('2024-03-05T07:08:09.123Z', ID1), entries);
    const object = `cognito-backup/${POOL}/snapshots/2024/03/05/070809-${ID1}.ndjson.gz`;
    const manifestKey = `cognito-backup/${POOL}/snapshots/2024/03/05/070809-${ID1}.manifest.json`;
    expect([...blobs.objects.keys()].sort()).toEqual([manifestKey, object].sort());
    expect(manifest).toMatchObject({
      format: 'cognito-rewind.manifest/1',
      poolId: POOL,
      snapshotId: ID1,
      at: '2024-03-05T07:08:09.123Z',
      kind: 'scan',
      entities: 3,
      counts: { group: 1, user: 2 },
      bytes: blobs.objects.get(object)?.byteLength,
      notCaptured: ['domain'],
      object,
    });
    const stored = JSON.parse(new TextDecoder().decode(blobs.objects.get(manifestKey)));
    expect(stored).toEqual(manifest);
  });

  it('opens what it wrote', async () => {
    const { store } = setup();
    const manifest = await store.write(header('2024-03-05T07:08:09Z', ID1), entries);
    const opened = await store.open(manifest);
    expect(opened.header).toMatchObject({ poolId: POOL, snapshotId: ID1, at: '2024-03-05T07:08:09.000Z' });
    expect(await read(opened)).toEqual(entries);
  });

  it('lists a pool ascending by time, then by snapshot id, and lists the pools', async () => {
    const { blobs, store } = setup();
    await store.write(header('2024-03-06T00:00:00Z', ID3), entries);
    await store.write(header('2024-03-05T23:59:59Z', ID2), entries);
    await store.write(header('2024-03-06T00:00:00Z', ID1), entries);
    await store.write(header('2024-03-01T00:00:00Z', ID1, 'eu-west-1_Other'), entries);
    await blobs.put('cognito-backup/eu-west-1_Deltas/deltas/2024/03/01/00/x.ndjson.gz', new Uint8Array(1));
    const listed = await store.list(POOL);
    expect(listed.map((m) => [m.at, m.snapshotId])).toEqual([
      ['2024-03-05T23:59:59.000Z', ID2],
      ['2024-03-06T00:00:00.000Z', ID1],
      ['2024-03-06T00:00:00.000Z', ID3],
    ]);
    expect(await store.pools()).toEqual(['eu-west-1_Other', POOL]);
    expect(await store.list('us-east-1_Nothing')).toEqual([]);
  });

  it('never overwrites a snapshot', async () => {
    const { store } = setup();
    await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    await expect(store.write(header('2024-03-05T00:00:00Z', ID1), entries)).rejects.toThrow(BlobExistsError);
  });

  it('stores nothing when the header or the entities are wrong', async () => {
    const { blobs, store } = setup();
    await expect(store.write(header('2024-03-05T00:00:00Z', 'not-a-ulid'), entries)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(store.write(header('2024-03-05T00:00:00Z', ID1, 'a/b'), entries)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(store.write(header('2024-03-05T00:00:00Z', ID1), [...entries].reverse())).rejects.toThrow(
      /ascending key order/,
    );
    expect(blobs.objects.size).toBe(0);
  });

  it('refuses to open a tampered snapshot before yielding any entity, naming it', async () => {
    const { blobs, store } = setup();
    const manifest = await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    const bytes = blobs.objects.get(manifest.object);
    if (bytes === undefined) throw new Error('not written');
    const middle = Math.floor(bytes.length / 2);
    bytes.set([(bytes[middle] ?? 0) ^ 0x01], middle);
    const opening = store.open(manifest);
    await expect(opening).rejects.toThrow(SnapshotCorruptError);
    await expect(opening).rejects.toThrow(manifest.object);
  });

  it('reports a manifest whose object is gone as missing', async () => {
    const { blobs, store } = setup();
    const manifest = await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    blobs.objects.delete(manifest.object);
    await expect(store.open(manifest)).rejects.toThrow(SnapshotMissingError);
    await expect(store.open(manifest)).rejects.toThrow(`snapshot ${manifest.object} is missing`);
  });

  it('names an unreadable manifest when listing, and surveys around it', async () => {
    const { blobs, store } = setup();
    const good = await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    const bad = `cognito-backup/${POOL}/snapshots/2024/03/06/000000-${ID2}.manifest.json`;
    await blobs.put(bad, new TextEncoder().encode('{"format": "cognito-rewind.manif'));
    await expect(store.list(POOL)).rejects.toThrow(`snapshot ${bad} is corrupt: its manifest is not JSON`);
    const survey = await store.survey(POOL);
    expect(survey.manifests).toEqual([good]);
    expect(survey.unreadable.map((error) => error.snapshot)).toEqual([bad]);
  });

  it('refuses a manifest that describes another object than the one beside it', async () => {
    const { blobs, store } = setup();
    const good = await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    const copy = `cognito-backup/${POOL}/snapshots/2024/03/06/000000-${ID2}.manifest.json`;
    await blobs.put(copy, new TextEncoder().encode(JSON.stringify(good)));
    await expect(store.list(POOL)).rejects.toThrow(/describes .* not the object beside it/);
  });

  it('refuses a snapshot whose header does not match its manifest', async () => {
    const { store } = setup();
    const manifest = await store.write(header('2024-03-05T00:00:00Z', ID1), entries);
    await expect(store.open({ ...manifest, snapshotId: ID2 })).rejects.toThrow(
      /header does not match its manifest/,
    );
  });
});
