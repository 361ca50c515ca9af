import { randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError } from '../../errors.js';
import { errorCode, ignoreMissing } from './fsUtil.js';

/** Tells this process apart from an earlier one that had the same pid (pids repeat in containers). */
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/** A lock file that never got its owner written is only taken as abandoned once it is this old. */
const UNREADABLE_GRACE_MS = 10_000;

interface Owner {
  pid: number;
  host: string;
  token: string;
}

interface Holder {
  raw: string;
  owner: Owner | undefined;
  ageMs: number;
}

function parseOwner(raw: string): Owner | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, token } = value as Record<string, unknown>;
    if (typeof pid === 'number' && typeof host === 'string' && typeof token === 'string')
      return { pid, host, token };
  } catch {
    // an empty or half-written lock file: judged by its age instead
  }
  return undefined;
}

async function readHolder(lockFile: string): Promise<Holder | undefined> {
  try {
    const [raw, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    return { raw, owner: parseOwner(raw), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Only a lock whose owner provably died is stale: a lock from another host is never broken here. */
function isStale({ owner, ageMs }: Holder): boolean {
  if (owner === undefined) return ageMs > UNREADABLE_GRACE_MS;
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return owner.token !== PROCESS_TOKEN;
  return !isAlive(owner.pid);
}

/**
 * Moves the stale lock aside rather than deleting it, then checks that what was moved is the lock judged
 * stale; if another writer took the lock in between, it is put back.
 */
async function breakLock(lockFile: string, staleRaw: string): Promise<void> {
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    ignoreMissing(error);
    return;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== staleRaw)
    await link(aside, lockFile).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw error;
    });
  await unlink(aside).catch(ignoreMissing);
}

async function acquire(lockFile: string, timeoutMs: number): Promise<void> {
  const owner: Owner = { pid: process.pid, host: hostname(), token: PROCESS_TOKEN };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lockFile, JSON.stringify({ ...owner, at: new Date().toISOString() }), { flag: 'wx' });
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const holder = await readHolder(lockFile);
    if (holder === undefined) continue;
    if (isStale(holder)) {
      await breakLock(lockFile, holder.raw);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder.owner ? `process ${holder.owner.pid} on ${holder.owner.host}` : 'an unknown writer';
      throw new StoreLockedError(lockFile, who);
    }
    await sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()));
  }
}

/**
 * Runs `work` while holding `lockFile`, created with O_EXCL (`wx`) so only one process at a time gets
 * it. The file names its owner (pid, host, a per-process token) so a lock left by a crashed process on
 * this host is detected and broken instead of blocking writers forever.
 */
export async function withFileLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  options: { timeoutMs: number },
): Promise<T> {
  await acquire(lockFile, options.timeoutMs);
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(ignoreMissing);
  }
}
