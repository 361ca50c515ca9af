import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsCognitoWriter } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from '../cli.js';
import { RecordingIoHost } from '../io/ioHost.js';

let work: string;
let startDir: string;
let myPool: string;

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd: work, env: {} });
  return { code, out: io.output, err: io.errors };
}

/** Every file under `dir` (but the folders `skip` names) with a digest of its bytes. */
async function tree(dir: string, skip: string[] = []): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = path.slice(dir.length + 1);
    if (!entry.isFile() || skip.some((folder) => rel.startsWith(`${folder}/`))) continue;
    files[rel] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return files;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-demo-'));
  startDir = join(work, '.rewind');
  // What `pnpm start` left: a pool of the user's own in its cognito-local, and a store beside it.
  const local = await startCognitoLocal({ dataDir: join(startDir, 'local', 'cognito-local') });
  const writer = new AwsCognitoWriter({ endpoint: local.endpoint });
  try {
    myPool = (await writer.createUserPool({ PoolName: 'mine' })).poolId;
    await writer.createUser(myPool, 'me', {}, { suppressMessages: true });
    const store = join(startDir, 'store');
    const backup = await run('backup', '--pool', myPool, '--store', store, '--endpoint', local.endpoint);
    expect(backup.code).toBe(EXIT.ok);
  } finally {
    writer.close();
    await local.stop();
  }
}, 60_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('pnpm demo', () => {
  it("keeps its stack in .rewind/demo, and neither reads nor writes start's pools and store", async () => {
    const before = await tree(startDir);

    const demo = await run('demo');

    expect(demo.err).toBe('');
    expect(demo.code).toBe(EXIT.ok);
    // Start's directory is as it was, byte for byte; the demo's stack is in its own folder.
    expect(await tree(startDir, ['demo'])).toEqual(before);
    expect(existsSync(join(startDir, 'demo', 'local', 'cognito-local'))).toBe(true);
    const demoPools = await readdir(join(startDir, 'demo', 'store', 'cognito-backup'));
    expect(demoPools).toHaveLength(1);
    expect(demoPools).not.toContain(myPool);
    expect(demo.out).not.toContain(myPool);
    expect(demo.out).toContain(`--store ${join('.rewind', 'demo', 'store')}`);
  }, 180_000);

  it("refuses start's directory as its own, and changes nothing", async () => {
    const before = await tree(work);
    const refused = await run('demo', '--dir', '.rewind');
    expect(refused.code).toBe(EXIT.badInput);
    expect(refused.err).toMatch(/--dir \.rewind: that is where `pnpm start` keeps its pools and store/);
    expect(await tree(work)).toEqual(before);
  });
});
