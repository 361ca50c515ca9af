import { createHash, randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import type { DamageSummary, JournalDamage } from '../../changes/journalDamage.js';
import { errorCode, ignoreMissing, readTextIfExists } from './fsUtil.js';
import { NEWLINE } from './journalLine.js';
import { checkLineAt, type JournalScan, scanJournalFrom } from './journalScan.js';

/** Damaged lines kept by offset in the checkpoint; beyond them only the count grows. */
const KEPT = 20;
/** Longest key column a line can have before its record body: an entity key is far shorter. */
const KEY_COLUMN_MAX = 64 * 1024;

/**
 * How far a journal has been scanned for damage, persisted beside it (`journal.scan`), so the next
 * scan — by any process — reads only what was appended since. The scanned prefix is fingerprinted by
 * the journal file's identity and a hash of its last scanned line: a journal replaced, cut short or
 * whose lines moved (an edit that changed a length) no longer matches, and is scanned again from 0.
 * An edit of an earlier line that keeps every length is invisible to it: a read that meets the line
 * records it here (`note`), and verify always scans everything.
 */
interface ScanState {
  ino: number;
  /** Bytes [0, offset) are scanned: whole lines. */
  offset: number;
  /** Start of the last scanned line, and the sha256 of [lastLine, offset). */
  lastLine: number;
  lastLineHash: string;
  lines: number;
  first: JournalDamage[];
}

export interface IncrementalScan extends DamageSummary {
  /** Where this call started reading (0: a full scan), and how many bytes it read. */
  from: number;
  bytesRead: number;
}

export class JournalScanCheckpoint {
  constructor(
    private readonly journal: string,
    private readonly file = `${journal}.scan`,
  ) {}

  /** Scans what was appended since the last scan (everything, when the fingerprint disagrees). */
  async scan(): Promise<IncrementalScan> {
    const ino = await inode(this.journal);
    if (ino === undefined) return { lines: 0, first: [], from: 0, bytesRead: 0 };
    const saved = await this.load();
    const resume = saved !== undefined && saved.ino === ino && (await this.fingerprintHolds(saved));
    const from = resume ? saved.offset : 0;
    const found = await scanJournalFrom(this.journal, from);
    const kept = resume ? saved : { lines: 0, first: [] };
    const state = await this.next(ino, found, kept);
    if (!resume || found.end !== from || found.damage.length > 0) await this.save(state);
    return { lines: state.lines, first: state.first, from, bytesRead: found.bytesRead };
  }

  /** Replaces what is known with a full scan's finding (verify's). */
  async record(found: JournalScan): Promise<void> {
    const ino = await inode(this.journal);
    if (ino !== undefined) await this.save(await this.next(ino, found, { lines: 0, first: [] }));
  }

  /** Damage a read met (a line it could not decode): kept until a full scan says otherwise. */
  async note(met: Pick<JournalDamage, 'offset'>): Promise<void> {
    const saved = await this.load();
    if (saved === undefined) return;
    // Reads name the record's body; a scan names its line: one line is one damage, and only a line the
    // scan's own checks find damaged counts.
    const damage = await checkLineAt(this.journal, await this.lineStart(met.offset));
    if (damage === undefined || saved.first.some((line) => line.offset === damage.offset)) return;
    const first = [...saved.first, damage].sort((a, b) => a.offset - b.offset).slice(0, KEPT);
    await this.save({ ...saved, lines: saved.lines + 1, first });
  }

  private async next(
    ino: number,
    found: JournalScan,
    kept: Pick<ScanState, 'lines' | 'first'>,
  ): Promise<ScanState> {
    const first = [
      ...kept.first,
      ...found.damage.filter((d) => !kept.first.some((k) => k.offset === d.offset)),
    ]
      .sort((a, b) => a.offset - b.offset)
      .slice(0, KEPT);
    return {
      ino,
      offset: found.end,
      lastLine: found.lastLine,
      lastLineHash: (await this.hashOf(found.lastLine, found.end)) ?? '',
      lines: kept.lines + found.damage.length,
      first,
    };
  }

  private async fingerprintHolds(saved: ScanState): Promise<boolean> {
    const hash = await this.hashOf(saved.lastLine, saved.offset);
    return hash === saved.lastLineHash;
  }

  /** Where the line holding byte `offset` starts (key columns are short: a few KiB back at most). */
  private async lineStart(offset: number): Promise<number> {
    const from = Math.max(0, offset - KEY_COLUMN_MAX);
    const handle = await open(this.journal, 'r');
    try {
      const bytes = Buffer.alloc(offset - from);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, from);
      const newline = bytes.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      return newline >= 0 ? from + newline + 1 : from;
    } finally {
      await handle.close();
    }
  }

  /** sha256 of the journal's bytes [from, to); undefined when it no longer has them all. */
  private async hashOf(from: number, to: number): Promise<string | undefined> {
    const handle = await open(this.journal, 'r');
    try {
      const bytes = Buffer.alloc(to - from);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, from);
      if (bytesRead !== bytes.length) return undefined;
      return createHash('sha256').update(bytes).digest('hex');
    } finally {
      await handle.close();
    }
  }

  private async load(): Promise<ScanState | undefined> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return undefined;
    try {
      const state = JSON.parse(text) as ScanState;
      // A checkpoint that does not make sense is no checkpoint: the journal is scanned again.
      return Number.isSafeInteger(state.offset) && Array.isArray(state.first) ? state : undefined;
    } catch {
      return undefined;
    }
  }

  /** By rename: a reader in another process sees the old checkpoint or the new one. */
  private async save(state: ScanState): Promise<void> {
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(state));
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(ignoreMissing);
      throw error;
    }
  }
}

async function inode(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).ino;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
