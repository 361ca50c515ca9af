import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { errorText } from './errorText.js';
import type { QueuedMessage } from './sqsMessages.js';

/**
 * What keeps the local capture queue's messages across a crash: an append-only file of one JSON line
 * per message sent (`sent`, with its body) and per message that left the queue (`acked`: handled, or
 * kept in the dead letters). A message is on the queue when its `sent` line has no `acked` line.
 *
 * A `sent` line is on disk (written and fsynced) before `sent()` resolves, and the tap answers its
 * client only after that, so a call a client saw answered has its event here even if the process is
 * killed the next instant. An `acked` line is written without waiting: losing one to a crash means a
 * message is delivered again, which capture takes (one record per entity and event id).
 *
 * Opening the file compacts it: what is still queued is rewritten to a new file that replaces the old
 * one in a rename, so the file holds what is queued and what happened since the last start. A crash
 * while a line was written leaves a torn last line (no newline): that write was never acknowledged to
 * anyone, and it is dropped.
 */

const sentLine = z.object({
  op: z.literal('sent'),
  id: z.string().min(1),
  sentAt: z.number(),
  body: z.string(),
});
const ackedLine = z.object({ op: z.literal('acked'), id: z.string().min(1) });
const journalLine = z.discriminatedUnion('op', [sentLine, ackedLine]);

type SentLine = z.infer<typeof sentLine>;

/** Once the queue is empty and the file has grown past this, it is emptied: a long run stays small. */
const RESET_AFTER_BYTES = 1 << 20;

/** What an earlier run left on the queue, and what of its file could not be read. */
export interface JournalRecovery {
  /** Messages sent and never acknowledged, in the order they were sent. */
  readonly messages: QueuedMessage[];
  /** Complete lines that are not journal lines (damage other than a torn last line): skipped. */
  readonly damaged: number;
}

interface Pending {
  readonly text: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Reads what the file holds: every message sent and not acknowledged, in the order sent. */
export function readJournal(text: string): JournalRecovery {
  const lines = text.split('\n');
  // After the last newline: '' when the file ends cleanly, else a line whose write a crash cut short.
  lines.pop();
  const queued = new Map<string, SentLine>();
  let damaged = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (parsed === undefined) damaged += 1;
    else if (parsed.op === 'sent') queued.set(parsed.id, parsed);
    else queued.delete(parsed.id);
  }
  const messages = [...queued.values()].map(
    (sent): QueuedMessage => ({
      messageId: sent.id,
      body: sent.body,
      sentAt: sent.sentAt,
      receiveCount: 0,
      visibleAt: 0,
    }),
  );
  return { messages, damaged };
}

function parseLine(line: string): z.infer<typeof journalLine> | undefined {
  try {
    const parsed = journalLine.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const sentText = (message: QueuedMessage): string =>
  `${JSON.stringify({ op: 'sent', id: message.messageId, sentAt: message.sentAt, body: message.body })}\n`;

export class QueueJournal {
  /** Lines waiting for the next write; one write and one fsync take all of them (group commit). */
  private batch: Pending[] | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Bytes of whole lines in the file: a failed write is cut back to it, so no torn line stays inside. */
  private size: number;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    size: number,
    private readonly onProblem: (line: string) => void,
  ) {
    this.size = size;
  }

  /**
   * Opens the journal at `path` (made when missing), compacted to what is still queued, and returns
   * it with those messages. `onProblem` hears of an acknowledgement that could not be written.
   */
  static async open(
    path: string,
    onProblem: (line: string) => void,
  ): Promise<{ journal: QueueJournal; recovered: JournalRecovery }> {
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const recovered = readJournal(text);
    const compacted = recovered.messages.map(sentText).join('');
    await replaceDurably(path, compacted);
    const handle = await open(path, 'a');
    return {
      journal: new QueueJournal(path, handle, Buffer.byteLength(compacted), onProblem),
      recovered,
    };
  }

  /** Resolves once the message's `sent` line is on disk; rejects when it could not be written. */
  sent(message: QueuedMessage): Promise<void> {
    return this.write(sentText(message));
  }

  /** The message left the queue. Not waited for: a lost acknowledgement only means a redelivery. */
  acked(messageId: string): void {
    this.write(`${JSON.stringify({ op: 'acked', id: messageId })}\n`).catch((error: unknown) =>
      this.onProblem(
        `capture queue: could not write to ${this.path} that a message was handled (${errorText(error)}): it is delivered again at the next start`,
      ),
    );
  }

  /**
   * The queue holds nothing: every line in the file is a message sent and acknowledged. Past a size,
   * the file is emptied, after the writes asked for before this call and before any asked for after.
   */
  emptied(): void {
    if (this.closed || this.size < RESET_AFTER_BYTES) return;
    // Lines asked for from now on go into a write queued after the reset, never into one before it.
    this.batch = undefined;
    this.chain = this.chain.then(async () => {
      try {
        await this.handle.truncate(0);
        await this.handle.datasync();
        this.size = 0;
      } catch {
        // Not emptied: the file keeps growing until the next start compacts it.
      }
    });
  }

  /** Waits for every write asked for, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.batch = undefined;
    await this.chain;
    await this.handle.close();
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path} is closed: the stack is stopping`));
    return new Promise((resolve, reject) => {
      if (this.batch === undefined) {
        const batch: Pending[] = [];
        this.batch = batch;
        this.chain = this.chain.then(() => {
          // Written from here on: a line asked for now goes into the next write.
          if (this.batch === batch) this.batch = undefined;
          return this.flush(batch);
        });
      }
      this.batch.push({ text, resolve, reject });
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    const text = batch.map((p) => p.text).join('');
    try {
      await this.handle.write(text);
      // datasync: the lines' bytes and the file's length, which is what a reader after a crash needs.
      await this.handle.datasync();
      this.size += Buffer.byteLength(text);
      for (const pending of batch) pending.resolve();
    } catch (error) {
      // Part of the text may have reached the file: cut it back, so the next line starts a line.
      await this.handle.truncate(this.size).catch(() => {});
      for (const pending of batch) pending.reject(error);
    }
  }
}

/** `path` replaced whole by `text`: written to a temporary file, fsynced, renamed over it. */
async function replaceDurably(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  // The rename itself is durable once the directory is synced (not possible on every platform).
  const directory = await open(dirname(path), 'r').catch(() => undefined);
  await directory?.sync().catch(() => {});
  await directory?.close();
}
