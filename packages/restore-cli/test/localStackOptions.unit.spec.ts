import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLocal } from '../src/local/stack/localTarget.js';
import { type StackInfo, writeStackFile } from '../src/local/stack/stackFile.js';
import { commandContext, run } from './localStackTruth.testing.js';

/** `--local`: the stack file turned into a command's options, and every way that can be wrong. */

let work: string;
const ctx = (env: NodeJS.ProcessEnv = {}) => commandContext(work, env);

/** A pid no process has: one that just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid ?? 2 ** 22;

async function stack(dir: string, patch: Partial<StackInfo> = {}): Promise<void> {
  await mkdir(join(work, dir, 'local'), { recursive: true });
  await writeStackFile(join(work, dir), {
    status: 'running',
    pid: process.pid,
    startedAt: '2026-11-30T10:00:00.000Z',
    cognitoEndpoint: 'http://127.0.0.1:9229',
    region: 'us-east-1',
    store: { kind: 'directory', dir: join(work, dir, 'store') },
    deadLetters: join(work, dir, 'local', 'dlq.ndjson'),
    ...patch,
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-local-options-'));
  await stack('.rewind');
  await stack('elsewhere', { cognitoEndpoint: 'http://127.0.0.1:4000' });
  await stack('stopped', { status: 'stopped', stoppedAt: '2026-11-30T11:00:00.000Z' });
  await stack('crashed', { pid: deadPid() });
  await stack('aws-stopped', {
    status: 'stopped',
    store: {
      kind: 'aws',
      bucket: 'rewind-local',
      table: 'rewind-local-changes',
      s3Endpoint: 'http://127.0.0.1:1',
      dynamodbEndpoint: 'http://127.0.0.1:2',
      dataDir: join(work, 'aws-stopped', 'local'),
    },
  });
  await mkdir(join(work, 'damaged', 'local'), { recursive: true });
  await writeFile(join(work, 'damaged', 'local', 'stack.json'), '{"status":"running"}');
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('--local', () => {
  it("fills in the running stack's store, and its endpoint for commands that call Cognito", async () => {
    const read = await applyLocal({ pool: 'local_a', local: true as const }, ctx(), { cognito: false });
    expect(read.options).toEqual({ pool: 'local_a', store: join(work, '.rewind', 'store') });
    const write = await applyLocal({ local: 'elsewhere' }, ctx(), { cognito: true });
    expect(write.options).toEqual({
      store: join(work, 'elsewhere', 'store'),
      endpoint: 'http://127.0.0.1:4000',
      region: 'us-east-1',
    });
    const viaEnv = await applyLocal({ local: true as const }, ctx({ REWIND_LOCAL_DIR: 'elsewhere' }), {
      cognito: true,
    });
    expect(viaEnv.options.endpoint).toBe('http://127.0.0.1:4000');
  });

  it('keeps settings meant for AWS away from the local stack', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIA…',
      REWIND_PREFIX: 'prod',
      COGNITO_ENDPOINT: 'https://x',
      HOME: '/h',
    };
    const { ctx: local } = await applyLocal({ local: true as const }, ctx(env), { cognito: true });
    expect(local.env).toEqual({ HOME: '/h' });
  });

  it('refuses a store or an endpoint beside it, and says where there is no stack', async () => {
    for (const args of [
      ['state', '--local', '--store', 'x', '--pool', 'local_a', '--at', 'now'],
      ['restore', '--local', '--endpoint', 'http://127.0.0.1:1', '--pool', 'local_a', '--at', 'now'],
      ['verify', '--local', '--bucket', 'b', '--pool', 'local_a'],
    ]) {
      const result = await run(work, args);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(
        /--local takes the store and the Cognito endpoint from the local stack: leave out --/,
      );
    }
    const none = await run(work, ['snapshots', '--local', 'nowhere', '--pool', 'local_a']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no local stack in');
    expect(none.err).toContain('start one with `pnpm start`');
    await expect(applyLocal({ local: 'damaged' }, ctx(), { cognito: false })).rejects.toThrow(
      /is not a local stack file/,
    );
  });

  it('a stopped or crashed stack: its directory store is still read; what calls Cognito says it is not running', async () => {
    for (const dir of ['stopped', 'crashed']) {
      const read = await applyLocal({ local: dir }, ctx(), { cognito: false });
      expect(read.options.store).toBe(join(work, dir, 'store'));
      const write = applyLocal({ local: dir }, ctx(), { cognito: true });
      await expect(write).rejects.toThrow(InvalidInputError);
      await expect(write).rejects.toThrow(
        /is not running \(this command calls its Cognito\): start it with `pnpm start`/,
      );
    }
    await expect(applyLocal({ local: 'aws-stopped' }, ctx(), { cognito: false })).rejects.toThrow(
      /its AWS store lives in dynalite and s3rver inside it/,
    );
  });
});
