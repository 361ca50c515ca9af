import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeJournal } from '../../restore/journal/restoreJournal.js';
import { FileRestoreJournal } from './fileRestoreJournal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rewind-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = '2024-06-01T10:00:00.000Z';

describe('FileRestoreJournal', () => {
  it('reads back what it wrote, in order, across instances', async () => {
    const file = join(dir, 'restores', 'a.journal.ndjson');
    const first = new FileRestoreJournal(file);
    await first.append({ type: 'run', at, planned: 2 });
    await Promise.all([
      first.append({ type: 'start', at, action: 'createUser user:bob', entity: 'user:bob' }),
      first.append({
        type: 'done',
        at,
        action: 'createUser user:bob',
        entity: 'user:bob',
        result: { username: 'bob', oldSub: 'a', newSub: 'b' },
      }),
    ]);
    await first.close();
    const second = new FileRestoreJournal(file);
    const entries = await second.read();
    expect(entries.map((e) => e.type)).toEqual(['run', 'start', 'done']);
    expect(summarizeJournal(entries).subs).toEqual([{ username: 'bob', oldSub: 'a', newSub: 'b' }]);
  });

  it('drops a line torn by a kill and keeps the next run’s entries whole', async () => {
    const file = join(dir, 'torn.journal.ndjson');
    const journal = new FileRestoreJournal(file);
    await journal.append({ type: 'start', at, action: 'createClient client:x', entity: 'client:x' });
    await journal.close();
    await appendFile(file, '{"type":"done","at":"2024-06-01T10:0');
    const resumed = new FileRestoreJournal(file);
    expect((await resumed.read()).map((e) => e.type)).toEqual(['start']);
    await resumed.append({ type: 'run', at, planned: 1 });
    await resumed.close();
    expect((await new FileRestoreJournal(file).read()).map((e) => e.type)).toEqual(['start', 'run']);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
    const summary = summarizeJournal(await new FileRestoreJournal(file).read());
    expect(summary.inFlight).toEqual([{ action: 'createClient client:x', entity: 'client:x' }]);
  });

  it('refuses a whole line that is not a journal entry, naming the file and line, and keeps the file', async () => {
    const file = join(dir, 'damaged.journal.ndjson');
    const journal = new FileRestoreJournal(file);
    await journal.append({ type: 'run', at, planned: 1 });
    await journal.close();
    const damaged =
      '{"type":"done","at":"2024-06-01T10:00:00.000Z","action":"createUser user:bob","entity":7}\n';
    await appendFile(file, damaged);
    const before = await readFile(file, 'utf8');
    await expect(new FileRestoreJournal(file).read()).rejects.toThrow(
      new RegExp(`restore journal ${file} line 2 is not a journal entry \\(entity: `),
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('reads a journal that does not exist yet as empty', async () => {
    expect(await new FileRestoreJournal(join(dir, 'none.ndjson')).read()).toEqual([]);
  });
});
