import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isStackRunning,
  readStackFile,
  type StackInfo,
  stackFilePath,
  writeStackFile,
} from '../src/local/stack/stackFile.js';

/** A stack file is read for what it is worth now: `running` only while its process is alive. */

let work: string;

/** A pid no process has: one that just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid ?? 2 ** 22;

async function stackFile(name: string, pid: number): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, 'local'), { recursive: true });
  const info: StackInfo = {
    status: 'running',
    pid,
    startedAt: '2026-11-30T10:00:00.000Z',
    cognitoEndpoint: 'http://127.0.0.1:9229',
    region: 'us-east-1',
    store: { kind: 'directory', dir: join(dir, 'store') },
    deadLetters: join(dir, 'local', 'dlq.ndjson'),
  };
  await writeStackFile(dir, info);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-stack-file-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('readStackFile', () => {
  it('reads a running stack whose process is gone as stopped, and leaves the file as it is', async () => {
    const dir = await stackFile('killed', deadPid());
    const info = await readStackFile(dir);
    expect(info?.status).toBe('stopped');
    expect(info && isStackRunning(info)).toBe(false);
    expect(JSON.parse(await readFile(stackFilePath(dir), 'utf8')).status).toBe('running');
  });

  it('reads a stack whose process is alive as running', async () => {
    const info = await readStackFile(await stackFile('alive', process.pid));
    expect(info?.status).toBe('running');
    expect(info && isStackRunning(info)).toBe(true);
  });
});
