import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isCanonicalTime } from '../../changes/canonicalTime.js';
import { TrailCorruptError } from '../../errors.js';
import type { TrailPosition } from '../../trail/trailQuery.js';
import { TEMP_PREFIX } from './blobKeys.js';
import { endsMidLine, errorCode, ignoreMissing, readTextIfExists, syncDirectory } from './fsUtil.js';
import { DAY_FILE, type DayIndex } from './trailLayout.js';

/**
 * Index files of the directory trail: one line `["<eventTime>","<eventId>"]\n` per entry, appended by
 * writers holding the pool's lock. JSON never holds a raw newline, so lines split one way; a line still
 * being written (or torn by a crash) has no newline yet and is never read, and the next writer cuts it
 * off before appending. Lines are in arrival order: readers sort what they read.
 */

const encodeLine = (position: TrailPosition): string =>
  `${JSON.stringify([position.eventTime, position.eventId])}\n`;

/** A folder and its parents, each new one's name synced into its parent when `durable`. */
export async function ensureDirectory(dir: string, durable: boolean): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined || !durable) return;
  let current = path.dirname(first);
  await syncDirectory(current);
  for (const part of path.relative(current, dir).split(path.sep)) {
    current = path.join(current, part);
    await syncDirectory(current);
  }
}

/** Appends one line (the caller holds the pool's lock), fsynced with the file's name when `durable`. */
export async function appendIndexLine(
  file: string,
  position: TrailPosition,
  durable: boolean,
): Promise<void> {
  await ensureDirectory(path.dirname(file), durable);
  const handle = await open(file, 'a+');
  let size: number;
  try {
    size = await cutUnfinishedLine(handle, file);
    await handle.appendFile(encodeLine(position));
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  if (durable && size === 0) await syncDirectory(path.dirname(file));
}

/** Lines are short (an event id is at most 512 bytes): the last line break is within this tail. */
const TAIL_BYTES = 64 * 1024;

/** Drops a last line a crashed writer left without its newline; returns the size after. */
async function cutUnfinishedLine(handle: FileHandle, file: string): Promise<number> {
  const { size } = await handle.stat();
  if (!(await endsMidLine(handle))) return size;
  const tail = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(tail);
  await handle.read(buffer, 0, tail, size - tail);
  const newline = buffer.lastIndexOf(0x0a);
  if (newline < 0 && tail < size)
    throw new TrailCorruptError(file, `its last ${TAIL_BYTES} bytes hold no line break`);
  const kept = size - tail + newline + 1;
  await handle.truncate(kept);
  return kept;
}

/** Every whole line of an index file, in file order; none when the file does not exist. */
export async function readIndexLines(file: string): Promise<TrailPosition[]> {
  const text = await readTextIfExists(file);
  if (text === undefined) return [];
  const lines = text.split('\n');
  // After the last newline: nothing, or a line still being written.
  lines.pop();
  const positions: TrailPosition[] = [];
  let offset = 0;
  for (const line of lines) {
    const position = decodeLine(line);
    if (position === undefined)
      throw new TrailCorruptError(
        `${file} at byte ${offset}`,
        'the index line is not ["<eventTime>","<eventId>"]',
      );
    positions.push(position);
    offset += Buffer.byteLength(line) + 1;
  }
  return positions;
}

function decodeLine(line: string): TrailPosition | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [eventTime, eventId] = value as unknown[];
  if (typeof eventTime !== 'string' || !isCanonicalTime(eventTime)) return undefined;
  if (typeof eventId !== 'string' || eventId === '') return undefined;
  return { eventTime, eventId };
}

/** The day files of an index whose day lies in [from, to] (either open), in day order. */
export async function dayFiles(index: DayIndex, from?: string, to?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(index.days);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const day = DAY_FILE.exec(name)?.[1];
      return day !== undefined && (from === undefined || day >= from) && (to === undefined || day <= to)
        ? [name]
        : [];
    })
    .sort()
    .map((name) => path.join(index.days, name));
}

/** Replaces an index file with `positions` (by rename: readers see the old lines or the new), or removes it. */
export async function rewriteIndexFile(
  file: string,
  positions: readonly TrailPosition[],
  durable: boolean,
): Promise<void> {
  if (positions.length === 0) {
    await unlink(file).catch(ignoreMissing);
    return;
  }
  const temp = path.join(path.dirname(file), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temp, positions.map(encodeLine).join(''), { flush: durable });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(ignoreMissing);
    throw error;
  }
  if (durable) await syncDirectory(path.dirname(file));
}
