import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminCreateUserCommand,
  CreateUserPoolCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackFile, type StackInfo } from '../src/local/stack/stackFile.js';
import { run } from './localStackTruth.testing.js';

/**
 * `pnpm start` as a person runs it: the built bin in its own process, stopped with Ctrl-C as a
 * terminal sends it (SIGINT to the whole foreground process group), started again on the same
 * directory.
 */

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
let work: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-start-'));
});

afterAll(async () => {
  // A failed assertion must not leave a stack running (its servers stop themselves once it is gone).
  for (const child of children)
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
  await rm(work, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  info: StackInfo;
  output: () => string;
  exited: Promise<number | null>;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function start(): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'start', '--dir', work, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job: Ctrl-C is signalled to that group.
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await until('stack.json of the new process', async () => {
    if (child.exitCode !== null) throw new Error(`start exited with ${child.exitCode}:\n${output}`);
    const read = await readStackFile(work).catch(() => undefined);
    return read?.status === 'running' && read.pid === child.pid ? read : undefined;
  });
  return { child, info, output: () => output, exited };
}

async function usersAt(poolId: string): Promise<string[] | undefined> {
  const result = await run(work, ['state', '--local', work, '--pool', poolId, '--at', 'now']);
  if (result.code !== 0) return undefined;
  return Object.keys(JSON.parse(result.out).users);
}

/** Ctrl-C in the terminal: SIGINT to every process of the foreground group, not the stack alone. */
async function stop(started: Started): Promise<void> {
  // Never `-0`: that is this process's own group.
  expect(started.info.pid).toBeGreaterThan(0);
  process.kill(-started.info.pid, 'SIGINT');
  expect(await started.exited).toBe(0);
  expect(started.output()).toContain('stopped; everything is kept');
  const after = await readStackFile(work);
  expect(after).toMatchObject({ status: 'stopped', pid: started.info.pid });
  expect(after?.stoppedAt).toBeDefined();
}

describe('restore-cli start in its own process', () => {
  it('serves, captures, stops cleanly on Ctrl-C, and keeps everything for the next start', async () => {
    expect(existsSync(bin), `${bin} is missing: build first (tsc -b)`).toBe(true);
    const first = await start();
    expect(first.info.cognitoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.info.cognitoEndpoint).not.toMatch(/:0$/);
    // The banner names the endpoint to point clients at.
    await until('the banner', async () => (first.output().includes('Ctrl-C stops it') ? true : undefined));
    expect(first.output()).toContain(`Cognito endpoint  ${first.info.cognitoEndpoint}`);
    const cognito = createCognitoClient({ endpoint: first.info.cognitoEndpoint, region: first.info.region });
    let poolId: string;
    try {
      poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'started' }))).UserPool?.Id ?? '';
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', MessageAction: 'SUPPRESS' }),
      );
      // Captured, and (after the first full read the stack gives a new pool) readable with --local.
      expect(
        await until('erin in state --local', async () =>
          (await usersAt(poolId))?.includes('erin') ? true : undefined,
        ),
      ).toBe(true);
      // A change just before Ctrl-C: its event is still queued when the signal comes, and capture
      // re-reads the user from cognito-local while the stack drains.
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'frank', MessageAction: 'SUPPRESS' }),
      );
    } finally {
      cognito.destroy();
    }
    await stop(first);
    expect(first.output()).not.toContain('dead letters written');
    expect(await readFile(first.info.deadLetters, 'utf8').catch(() => '')).toBe('');

    // Stopped: the directory store is still readable with --local; what needs Cognito says why not.
    expect((await usersAt(poolId))?.sort()).toEqual(['erin', 'frank']);
    const reconcile = await run(work, ['reconcile', '--local', work, '--pool', poolId]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.err).toContain('is not running');

    const second = await start();
    const again = createCognitoClient({ endpoint: second.info.cognitoEndpoint, region: second.info.region });
    try {
      const pools = await again.send(new ListUserPoolsCommand({ MaxResults: 10 }));
      expect(pools.UserPools?.map((p) => p.Id)).toEqual([poolId]);
      expect((await usersAt(poolId))?.sort()).toEqual(['erin', 'frank']);
    } finally {
      again.destroy();
    }
    await stop(second);
  }, 60_000);
});
