/**
 * `DirectoryEventTrail`: the event trail as files under `<dir>/trail/<poolId>/` (layout in
 * `trailLayout.ts` and `docs/store-layout.md`).
 *
 * A record holds the pool's lock file (across processes, like the directory change log) and writes in
 * this order: the personal data, the index lines, and last the entry file, published by `link` so it
 * appears whole and is never replaced. The entry file is what makes an event "recorded": a crash before
 * it leaves index lines (and personal data) pointing at nothing, which readers skip and the next record
 * of that event overwrites or repeats; a crash after it leaves a fully indexed entry. So a reader never
 * trusts a line without the entry it names — each line is checked against its entry (time, and the
 * caller, event name or entity the index is of) — and never misses an entry that exists.
 *
 * A query reads one index: for a caller or an event name only that value's day files in the query's
 * bounds, for an entity its one file, for time the pool's day files in the bounds; then only the entry
 * files of the page it returns (plus one, to know whether another page follows).
 */
import { randomBytes } from 'node:crypto';
import { link, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalTime } from '../../changes/canonicalTime.js';
import { TrailCorruptError } from '../../errors.js';
import type { EventTrail } from '../../ports.js';
import type { TrailEntry, TrailPage, TrailQuery } from '../../trail/trailEntry.js';
import {
  checkTrailQuery,
  compareTrailPositions,
  inTrailWindow,
  matchesTrailIndex,
  type TrailPosition,
  type TrailWindow,
  trailPageOf,
  trailPositionOf,
} from '../../trail/trailQuery.js';
import {
  callerKeyOf,
  checkRecordable,
  checkTrailEventId,
  type PersonalData,
  parsePersonalData,
  splitPersonalData,
  trailEntryFromStored,
} from '../../trail/trailSchema.js';
import { TEMP_PREFIX } from './blobKeys.js';
import { withFileLock } from './fileLock.js';
import { errorCode, ignoreMissing, readTextIfExists, syncDirectory } from './fsUtil.js';
import {
  appendIndexLine,
  dayFiles,
  ensureDirectory,
  readIndexLines,
  rewriteIndexFile,
} from './trailIndexFile.js';
import {
  dayOf,
  entryFile,
  type IndexLocation,
  indexFileFor,
  indexLocation,
  type PoolTrailPaths,
  personalFile,
  poolTrailPaths,
} from './trailLayout.js';

export interface DirectoryEventTrailOptions {
  /** fsync every file and new name before `record` resolves, so a recorded entry survives a power cut. @default true */
  readonly durable?: boolean;
  /** How long a record waits for another writer's lock before `StoreLockedError`. @default 30000 */
  readonly lockTimeoutMs?: number;
}

export class DirectoryEventTrail implements EventTrail {
  private readonly durable: boolean;
  private readonly lockTimeoutMs: number;

  constructor(
    readonly root: string,
    options: DirectoryEventTrailOptions = {},
  ) {
    this.durable = options.durable ?? true;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  async record(entry: TrailEntry): Promise<'recorded' | 'duplicate'> {
    checkRecordable(entry);
    const paths = poolTrailPaths(this.root, entry.poolId);
    const target = entryFile(paths, entry.eventId);
    // Entries are never removed: one that exists now is a duplicate for good, no lock needed to say so.
    if ((await readTextIfExists(target)) !== undefined) return 'duplicate';
    await ensureDirectory(paths.entries, this.durable);
    return withFileLock(
      paths.lock,
      async () => {
        if ((await readTextIfExists(target)) !== undefined) return 'duplicate';
        const { kept, personal } = splitPersonalData(entry);
        await this.writePersonalData(paths, entry, personal);
        const position = trailPositionOf(entry);
        for (const location of indexesOf(paths, entry))
          await appendIndexLine(indexFileFor(location, entry.eventTime), position, this.durable);
        return (await this.publish(target, JSON.stringify(kept))) ? 'recorded' : 'duplicate';
      },
      { timeoutMs: this.lockTimeoutMs },
    );
  }

  async get(poolId: string, eventId: string): Promise<TrailEntry | undefined> {
    checkTrailEventId(eventId);
    return this.readEntry(poolTrailPaths(this.root, poolId), eventId);
  }

  async query(poolId: string, query?: TrailQuery): Promise<TrailPage> {
    const paths = poolTrailPaths(this.root, poolId);
    const window = checkTrailQuery(query);
    const found: TrailEntry[] = [];
    for (const file of await filesInWindow(indexLocation(paths, window.index), window)) {
      for (const position of ordered(await readIndexLines(file), window)) {
        const entry = await this.readEntry(paths, position.eventId);
        // A line whose entry is missing or says otherwise was left by a writer that never finished.
        if (
          entry === undefined ||
          entry.eventTime !== position.eventTime ||
          !matchesTrailIndex(entry, window.index)
        )
          continue;
        found.push(entry);
        if (found.length > window.limit) return trailPageOf(found, window.limit);
      }
    }
    return trailPageOf(found, window.limit);
  }

  async forgetPersonalData(poolId: string, before: string): Promise<number> {
    const bound = canonicalTime(before);
    const paths = poolTrailPaths(this.root, poolId);
    const daysBefore = () => dayFiles(paths.withPersonal, undefined, dayOf(bound));
    // Nothing to forget: no need to wait for writers.
    if ((await daysBefore()).length === 0) return 0;
    return withFileLock(
      paths.lock,
      async () => {
        let changed = 0;
        for (const file of await daysBefore()) {
          const kept: TrailPosition[] = [];
          for (const position of await readIndexLines(file)) {
            if (position.eventTime >= bound) kept.push(position);
            else if (await this.forgetOne(paths, position)) changed += 1;
          }
          await rewriteIndexFile(file, kept, this.durable);
        }
        return changed;
      },
      { timeoutMs: this.lockTimeoutMs },
    );
  }

  /** Under the lock: drops the personal data a line names; true when a recorded entry lost some. */
  private async forgetOne(paths: PoolTrailPaths, position: TrailPosition): Promise<boolean> {
    const entry = await this.readEntry(paths, position.eventId);
    // A line of a writer that never finished, for an event recorded later at another time: not this one's.
    if (entry !== undefined && entry.eventTime !== position.eventTime) return false;
    try {
      await unlink(personalFile(paths, position.eventId));
    } catch (error) {
      ignoreMissing(error);
      return false;
    }
    return entry !== undefined;
  }

  /**
   * Under the lock, before the entry exists: its personal data, replacing what a writer that crashed
   * before publishing its entry may have left — so an entry is never joined with another's personal data.
   */
  private async writePersonalData(
    paths: PoolTrailPaths,
    entry: TrailEntry,
    personal: PersonalData | undefined,
  ): Promise<void> {
    const file = personalFile(paths, entry.eventId);
    if (personal === undefined) {
      await unlink(file).catch(ignoreMissing);
      return;
    }
    await ensureDirectory(paths.personal, this.durable);
    await writeFile(file, JSON.stringify(personal), { flush: this.durable });
    if (this.durable) await syncDirectory(paths.personal);
    await appendIndexLine(
      indexFileFor(paths.withPersonal, entry.eventTime),
      trailPositionOf(entry),
      this.durable,
    );
  }

  /** Writes the entry beside its name, then links it there: false when the name exists (a broken lock). */
  private async publish(target: string, json: string): Promise<boolean> {
    const dir = path.dirname(target);
    const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, json, { flush: this.durable });
      await link(temp, target);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(ignoreMissing);
    }
    if (this.durable) await syncDirectory(dir);
    return true;
  }

  private async readEntry(paths: PoolTrailPaths, eventId: string): Promise<TrailEntry | undefined> {
    const file = entryFile(paths, eventId);
    const json = await readTextIfExists(file);
    if (json === undefined) return undefined;
    const poolId = path.basename(paths.dir);
    return trailEntryFromStored(json, file, await readPersonalData(paths, eventId), { poolId, eventId });
  }
}

async function readPersonalData(paths: PoolTrailPaths, eventId: string): Promise<PersonalData> {
  const file = personalFile(paths, eventId);
  const text = await readTextIfExists(file);
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TrailCorruptError(file, 'the personal data is not JSON', { cause: error });
  }
  return parsePersonalData(value, file);
}

/** The indexes an entry is listed in. */
function indexesOf(paths: PoolTrailPaths, entry: TrailEntry): IndexLocation[] {
  return [
    indexLocation(paths, { by: 'time' }),
    indexLocation(paths, { by: 'caller', value: callerKeyOf(entry) }),
    indexLocation(paths, { by: 'eventName', value: entry.eventName }),
    ...entry.entities.map((value) => indexLocation(paths, { by: 'entity', value })),
  ];
}

/** The files of an index that can hold positions of the window: for day files, only its days. */
async function filesInWindow(location: IndexLocation, window: TrailWindow): Promise<string[]> {
  if ('file' in location) return [location.file];
  const start = [window.since, window.after?.eventTime]
    .filter((t) => t !== undefined)
    .sort()
    .at(-1);
  return dayFiles(location, start && dayOf(start), window.until && dayOf(window.until));
}

/** The positions of one file inside the window, in trail order, each once (a retried write repeats one). */
function ordered(positions: readonly TrailPosition[], window: TrailWindow): TrailPosition[] {
  const sorted = positions.filter((p) => inTrailWindow(p, window)).sort(compareTrailPositions);
  return sorted.filter((p, i) => i === 0 || compareTrailPositions(sorted[i - 1] as TrailPosition, p) !== 0);
}
