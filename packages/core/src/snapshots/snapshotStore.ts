import { readAllBytes } from '../asyncIterables.js';
import { parseInstant } from '../changes/canonicalTime.js';
import {
  isRewindError,
  RewindError,
  SnapshotCorruptError,
  SnapshotMissingError,
  SnapshotUnvouchedError,
} from '../errors.js';
import { BACKUP_ROOT, snapshotsPrefix } from '../layout/storeLayout.js';
import { canonicalStringify } from '../model/json.js';
import type { EntityEntry } from '../model/poolState.js';
import {
  MANIFEST_FORMAT,
  SNAPSHOT_FORMAT,
  type SnapshotHeader,
  type SnapshotManifest,
} from '../model/snapshotFormat.js';
import type { BlobStore, SnapshotCatalog } from '../ports.js';
import type { Source } from './byteStreams.js';
import { encodeSnapshot, type OpenedSnapshot, openSnapshot, verifySnapshot } from './codec.js';
import { describeIssue, snapshotManifestSchema } from './schemas.js';
import {
  dayFolder,
  keyTime,
  MANIFEST_SUFFIX,
  manifestKeyOf,
  objectKeyOf,
  poolOfManifestKey,
  snapshotObjectKey,
} from './snapshotLayout.js';

/** What a listing found: readable manifests in time order, and the ones that could not be read. */
export interface SnapshotSurvey {
  manifests: SnapshotManifest[];
  unreadable: SnapshotCorruptError[];
}

const byTime = (a: SnapshotManifest, b: SnapshotManifest): number =>
  Date.parse(a.at) - Date.parse(b.at) ||
  (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0);

/** Days before a requested time whose snapshots are listed day by day before the whole history is. */
const RECENT_DAYS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

const isBlobNotFound = (error: unknown): boolean =>
  isRewindError(error) && error.name === 'BlobNotFoundError';

/** Manifest fields that differ between two manifests of one snapshot, sorted. */
function differences(a: SnapshotManifest, b: SnapshotManifest): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const field = (m: SnapshotManifest, key: string) =>
    canonicalStringify((m as unknown as Record<string, unknown>)[key] ?? null);
  return [...keys].filter((key) => field(a, key) !== field(b, key)).sort();
}

/**
 * Snapshots of every pool in one write-once blob store (layout in `snapshotLayout.ts`). The object is
 * written before its manifest, so a listed manifest never points at a snapshot still being written;
 * the catalog, when there is one, last.
 */
export class SnapshotStore {
  constructor(
    private readonly blobs: BlobStore,
    private readonly options: { catalog?: SnapshotCatalog } = {},
  ) {}

  /** Whether a catalog vouches for what the blob store holds (else the blob store is its own root). */
  get vouched(): boolean {
    return this.options.catalog !== undefined;
  }

  /** What the catalog recorded for the pool, oldest first (nothing without a catalog). */
  async *catalogued(poolId: string): AsyncGenerator<SnapshotManifest> {
    if (this.options.catalog !== undefined) yield* this.options.catalog.list(poolId);
  }

  /**
   * Refuses a snapshot the catalog does not hold exactly as its manifest says (`SnapshotUnvouchedError`);
   * nothing to check without a catalog.
   */
  async vouch(manifest: SnapshotManifest): Promise<void> {
    const catalog = this.options.catalog;
    if (catalog === undefined) return;
    const recorded = await catalog.recorded(manifest.poolId, manifest.at, manifest.snapshotId);
    if (recorded === undefined)
      throw new SnapshotUnvouchedError(
        manifest.object,
        `the table has no record of snapshot ${manifest.snapshotId} at ${manifest.at}`,
      );
    const differ = differences(recorded, manifest);
    if (differ.length > 0)
      throw new SnapshotUnvouchedError(
        manifest.object,
        `its manifest differs from the one the table recorded (${differ.join(', ')})`,
      );
  }

  /** Pool ids that have at least one snapshot manifest, sorted. */
  async pools(): Promise<string[]> {
    const pools = new Set<string>();
    for await (const { key } of this.blobs.list(`${BACKUP_ROOT}/`)) {
      const poolId = poolOfManifestKey(key);
      if (poolId !== undefined) pools.add(poolId);
    }
    return [...pools].sort();
  }

  /** The pool's snapshots, ascending by `at` then snapshotId; an unreadable manifest throws. */
  async list(poolId: string): Promise<SnapshotManifest[]> {
    const { manifests, unreadable } = await this.survey(poolId);
    if (unreadable[0] !== undefined) throw unreadable[0];
    return manifests;
  }

  /**
   * The pool's snapshots taken at or before `at` (ms), newest first, each manifest read only when the
   * caller asks for the next: keys carry their snapshot's time (to the second), so a replay reads a
   * listing of the days just before `at` and a manifest or two — not every manifest, nor (while a
   * snapshot is that recent) a listing of a long history. An unreadable manifest is yielded as its
   * error, for the caller to skip or report.
   */
  async *newestAtOrBefore(
    poolId: string,
    at: number,
  ): AsyncGenerator<SnapshotManifest | SnapshotCorruptError> {
    const windowStart = Date.UTC(
      new Date(at).getUTCFullYear(),
      new Date(at).getUTCMonth(),
      new Date(at).getUTCDate() - (RECENT_DAYS - 1),
    );
    for (let day = 0; day < RECENT_DAYS; day++) {
      const prefix = `${snapshotsPrefix(poolId)}${dayFolder(at - day * DAY_MS)}/`;
      yield* this.newestFirst(poolId, await this.manifestKeys(poolId, prefix), at);
    }
    // Nothing usable that recent: the whole listing, older than the days already read.
    const older = (await this.manifestKeys(poolId)).filter((key) => keyTime(key) < windowStart);
    yield* this.newestFirst(poolId, older, at);
  }

  /** Manifests of `keys` (in key order) at or before `at`, newest first. */
  private async *newestFirst(
    poolId: string,
    all: readonly string[],
    at: number,
  ): AsyncGenerator<SnapshotManifest | SnapshotCorruptError> {
    const keys = all.filter((key) => keyTime(key) <= at);
    // Keys of one second are read together: their order by `at` is only known from their manifests.
    for (let end = keys.length; end > 0; ) {
      const second = keyTime(keys[end - 1] ?? '');
      let start = end - 1;
      while (start > 0 && keyTime(keys[start - 1] ?? '') === second) start -= 1;
      const group: SnapshotManifest[] = [];
      for (const key of keys.slice(start, end)) {
        try {
          group.push(await this.readManifest(poolId, key));
        } catch (error) {
          if (!(error instanceof SnapshotCorruptError)) throw error;
          yield error;
        }
      }
      yield* group.filter((m) => Date.parse(m.at) <= at).sort((a, b) => byTime(b, a));
      end = start;
    }
  }

  /** The oldest snapshot's manifest (for "nothing before …" messages), or undefined. */
  async oldest(poolId: string): Promise<SnapshotManifest | undefined> {
    const { manifests } = await this.survey(poolId, 1);
    return manifests[0];
  }

  /** Manifest keys of the pool (or under `prefix`), in time order (the layout's keys sort by time). */
  async manifestKeys(poolId: string, prefix = snapshotsPrefix(poolId)): Promise<string[]> {
    const keys: string[] = [];
    for await (const { key } of this.blobs.list(prefix)) if (key.endsWith(MANIFEST_SUFFIX)) keys.push(key);
    return keys;
  }

  /** Like `list`, but an unreadable manifest is reported instead of thrown, so readers can carry on. */
  async survey(poolId: string, readable = Number.POSITIVE_INFINITY): Promise<SnapshotSurvey> {
    const manifests: SnapshotManifest[] = [];
    const unreadable: SnapshotCorruptError[] = [];
    for await (const { key } of this.blobs.list(snapshotsPrefix(poolId))) {
      if (!key.endsWith(MANIFEST_SUFFIX)) continue;
      if (manifests.length >= readable) break;
      try {
        manifests.push(await this.readManifest(poolId, key));
      } catch (error) {
        if (!(error instanceof SnapshotCorruptError)) throw error;
        unreadable.push(error);
      }
    }
    return { manifests: manifests.sort(byTime), unreadable };
  }

  /** Encodes and stores a snapshot, then its manifest. */
  async write(
    header: Omit<SnapshotHeader, 'format'>,
    entries: Source<EntityEntry>,
  ): Promise<SnapshotManifest> {
    // The key checks pool id, time and ULID before anything is written.
    const object = snapshotObjectKey(header.poolId, header.at, header.snapshotId);
    const full: SnapshotHeader = {
      ...header,
      format: SNAPSHOT_FORMAT,
      at: new Date(header.at).toISOString(),
      createdAt: new Date(parseInstant(header.createdAt)).toISOString(),
    };
    const encoded = encodeSnapshot(full, entries);
    const stored = await this.blobs.put(object, encoded.bytes, { contentType: 'application/gzip' });
    const digest = encoded.digest();
    if (stored.bytes !== digest.bytes)
      throw new RewindError(
        `the store kept ${stored.bytes} bytes of ${object}, ${digest.bytes} were written`,
      );
    const manifest: SnapshotManifest = {
      format: MANIFEST_FORMAT,
      poolId: full.poolId,
      snapshotId: full.snapshotId,
      at: full.at,
      createdAt: full.createdAt,
      kind: full.kind,
      lastChangeId: full.lastChangeId,
      notCaptured: [...full.notCaptured],
      ...(full.base === undefined ? {} : { base: full.base }),
      ...(full.logPosition === undefined ? {} : { logPosition: full.logPosition }),
      ...digest,
      object,
    };
    const json = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
    await this.blobs.put(manifestKeyOf(object), json, { contentType: 'application/json' });
    await this.options.catalog?.record(manifest);
    return manifest;
  }

  /**
   * Opens a snapshot for reading. The manifest is checked against the catalog's (when there is one) and
   * the whole object hashed against the manifest first, so nothing is yielded from a corrupt or
   * unvouched snapshot; the decode pass then checks again as it ends.
   */
  async open(manifest: SnapshotManifest): Promise<OpenedSnapshot> {
    await this.vouch(manifest);
    await verifySnapshot(manifest.object, await this.fetch(manifest), manifest);
    return this.stream(manifest);
  }

  /**
   * One decode pass without the verify pass: corruption surfaces as an error after the last entity.
   * Only for readers that can throw away what they read, such as a snapshot write that then fails.
   */
  async stream(manifest: SnapshotManifest): Promise<OpenedSnapshot> {
    const opened = await openSnapshot(manifest.object, await this.fetch(manifest), manifest);
    const { header } = opened;
    if (
      header.poolId !== manifest.poolId ||
      header.snapshotId !== manifest.snapshotId ||
      Date.parse(header.at) !== Date.parse(manifest.at)
    )
      throw new SnapshotCorruptError(manifest.object, 'its header does not match its manifest');
    return opened;
  }

  private async fetch(manifest: SnapshotManifest): Promise<AsyncIterable<Uint8Array>> {
    try {
      return await this.blobs.get(manifest.object);
    } catch (error) {
      if (isBlobNotFound(error))
        throw new SnapshotMissingError(
          manifest.object,
          'its manifest exists but the object is not in the store',
        );
      throw error;
    }
  }

  private async readManifest(poolId: string, key: string): Promise<SnapshotManifest> {
    let json: unknown;
    try {
      json = JSON.parse(
        new TextDecoder('utf-8', { fatal: true }).decode(await readAllBytes(await this.blobs.get(key))),
      );
    } catch (error) {
      if (isBlobNotFound(error)) throw error;
      throw new SnapshotCorruptError(key, 'its manifest is not JSON', { cause: error });
    }
    const parsed = snapshotManifestSchema.safeParse(json);
    if (!parsed.success)
      throw new SnapshotCorruptError(key, `its manifest is invalid (${describeIssue(parsed.error)})`);
    const manifest = parsed.data;
    if (manifest.poolId !== poolId || manifest.object !== objectKeyOf(key))
      throw new SnapshotCorruptError(
        key,
        `its manifest describes ${manifest.object}, not the object beside it`,
      );
    return manifest;
  }
}
