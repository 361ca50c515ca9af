import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePort, type StartOptions, startCommand } from '../src/commands/start.js';
import { MAX_TIMER_MS, parseDuration } from '../src/local/stack/duration.js';
import { writeStackFile } from '../src/local/stack/stackFile.js';
import { commandContext, run } from './localStackTruth.testing.js';

/** `restore-cli start`'s options: refused before anything starts, and where it keeps its data. */

let work: string;
const ctx = (env: NodeJS.ProcessEnv = {}) => commandContext(work, env);
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A stack file saying a stack (this process) runs in `dir`: `start` there refuses, naming `dir`. */
async function runningStackIn(dir: string): Promise<void> {
  await mkdir(join(dir, 'local'), { recursive: true });
  await writeStackFile(dir, {
    status: 'running',
    pid: process.pid,
    startedAt: '2026-11-30T10:00:00.000Z',
    cognitoEndpoint: 'http://127.0.0.1:9229',
    region: 'us-east-1',
    store: { kind: 'directory', dir: join(dir, 'store') },
    deadLetters: join(dir, 'local', 'dlq.ndjson'),
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-start-options-'));
  await runningStackIn(join(work, '.rewind'));
  await runningStackIn(join(work, 'from-env'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('parseDuration', () => {
  it('takes ms, s, m and h from 100ms up to the longest timer', () => {
    expect(parseDuration('100ms', '--x')).toBe(100);
    expect(parseDuration('1.5s', '--x')).toBe(1_500);
    expect(parseDuration('24h', '--x')).toBe(86_400_000);
    expect(parseDuration(`${MAX_TIMER_MS}ms`, '--x')).toBe(2 ** 31 - 1);
    expect(parseDuration('596h', '--x')).toBe(596 * 3_600_000);
  });

  it('refuses a period longer than a timer can wait, naming the flag (it would fire every 1 ms)', () => {
    for (const value of ['597h', `${MAX_TIMER_MS + 1}ms`, '100000000m']) {
      const refuse = () => parseDuration(value, '--reconcile-every');
      expect(refuse).toThrow(InvalidInputError);
      expect(refuse).toThrow(`--reconcile-every "${value}" is too long: at most 2147483647ms`);
    }
  });

  it('refuses what is not a duration, or is shorter than 100ms', () => {
    for (const value of ['', '60', '5d', '-5s', '99ms', '1e3s'])
      expect(() => parseDuration(value, '--snapshot-every')).toThrow(
        `--snapshot-every ${JSON.stringify(value)} is not a duration of 100ms or more`,
      );
  });
});

describe('parsePort', () => {
  it('takes decimal 0-65535, and the default when not given', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('9229')).toBe(9229);
    expect(parsePort('65535')).toBe(65_535);
    expect(parsePort(undefined)).toBe(9229);
  });

  it('refuses anything else, which Number would have taken', () => {
    for (const value of ['', ' ', '0x50', '1e3', '0b1', '+80', '-1', '80.0', ' 80', '65536', '99999999999']) {
      const refuse = () => parsePort(value);
      expect(refuse, value).toThrow(InvalidInputError);
      expect(refuse, value).toThrow(`--port ${JSON.stringify(value)} is not a port (a whole number 0-65535`);
    }
  });
});

describe('startCommand', () => {
  it.each<[string, StartOptions, string]>([
    ['a bad port', { dir: 'bad-port', port: '0x50' }, '--port "0x50" is not a port'],
    [
      'an overlong period',
      { dir: 'bad-period', reconcileEvery: '1000h' },
      '--reconcile-every "1000h" is too long',
    ],
    ['a bad store', { dir: 'bad-store', store: 's3' }, '--store "s3"'],
  ])('refuses %s before anything starts', async (_what, options, message) => {
    const started = startCommand(options, ctx());
    await expect(started).rejects.toThrow(InvalidInputError);
    await expect(started).rejects.toThrow(message);
    expect(await exists(join(work, options.dir ?? ''))).toBe(false);
  });

  it('keeps its data where a bare --local reads: REWIND_LOCAL_DIR when set, else .rewind', async () => {
    // Each directory holds a running stack, so start refuses, naming the directory it chose.
    await expect(startCommand({ port: '0' }, ctx({ REWIND_LOCAL_DIR: 'from-env' }))).rejects.toThrow(
      `a local stack is already running in ${join(work, 'from-env')} (pid ${process.pid}`,
    );
    await expect(startCommand({ port: '0' }, ctx({ REWIND_LOCAL_DIR: '' }))).rejects.toThrow(
      `a local stack is already running in ${join(work, '.rewind')} (pid`,
    );
    await expect(
      startCommand({ dir: '.rewind', port: '0' }, ctx({ REWIND_LOCAL_DIR: 'from-env' })),
    ).rejects.toThrow(`already running in ${join(work, '.rewind')} (pid`);
  });

  it('exits 2 with the message through the CLI, nothing started', async () => {
    const result = await run(work, ['start', '--dir', 'cli-bad', '--snapshot-every', '600h']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--snapshot-every "600h" is too long');
    expect(await exists(join(work, 'cli-bad'))).toBe(false);
  });
});
