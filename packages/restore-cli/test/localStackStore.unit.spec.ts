import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStackStore } from '../src/local/stack/stackStore.js';

/** The local stack's AWS store (dynalite + s3rver): what one emulator failing to start leaves behind. */

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-stack-store-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('startStackStore aws', () => {
  it('stops dynalite when s3rver fails to start, so the next start can open its data again', async () => {
    // s3rver's data directory is a file: s3rver fails at once, while dynalite is still starting.
    await mkdir(join(work, 'local'), { recursive: true });
    await writeFile(join(work, 'local', 's3rver'), 'not a directory');
    await expect(startStackStore('aws', work)).rejects.toThrow(/s3rver/);

    // A dynalite left running holds its LevelDB's lock: the next start on the directory fails.
    await rm(join(work, 'local', 's3rver'));
    const running = await startStackStore('aws', work);
    try {
      expect(running.info).toMatchObject({ kind: 'aws', dataDir: join(work, 'local') });
      // A read through the table dynalite serves from that LevelDB.
      expect(await running.store.changeLog.head('us-east-1_none', 'pool')).toBeUndefined();
    } finally {
      await running.stop();
    }
  }, 15_000);
});
