import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EntityKey, type JsonObject, readPoolState, stateAt } from '@cognito-rewind/core';
import { AwsCognitoReader } from '@cognito-rewind/core/adapters/aws';
import { type RunningCognitoFake, startCognitoFake } from '@cognito-rewind/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exec } from '../src/cli.js';
import { RecordingIoHost } from '../src/io/ioHost.js';
import { openLocalStore } from './localStore.testing.js';
import { writable } from './restoreFixture.js';

// The built CLI: `pnpm test` builds before it tests, so a real process can be killed mid-restore.
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const USERS = 300;

let running: RunningCognitoFake;
let work: string;
let store: string;
let poolId: string;
let at: string;

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd: work });
  return { code, out: io.output, err: io.errors };
}

async function live(): Promise<Map<EntityKey, JsonObject>> {
  const reader = new AwsCognitoReader({ endpoint: running.endpoint, maxAttempts: 1 });
  try {
    const scan = await readPoolState(reader, poolId);
    return new Map(scan.entities.map((e) => [e.key, e.doc]));
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-resume-'));
  store = join(work, 'store');
  running = await startCognitoFake({ pageSize: 60 });
  const { fake } = running;
  poolId = fake.createPool({
    PoolName: 'resume',
    Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
  });
  for (const group of ['red', 'green', 'blue'])
    fake.call('CreateGroup', { UserPoolId: poolId, GroupName: group });
  fake.seedUsers(
    poolId,
    Array.from({ length: USERS }, (_, i) => ({
      username: `user-${String(i).padStart(3, '0')}`,
      attributes: { email: `u${i}@example.com`, 'custom:tenant': `t${i % 7}` },
      groups: [['red', 'green', 'blue'][i % 3] as string],
      enabled: i % 10 !== 0,
    })),
  );
  const backup = await run('backup', '--pool', poolId, '--store', store, '--endpoint', running.endpoint);
  expect(backup.code).toBe(0);
  at = /at (\S+)/.exec(backup.out)?.[1] ?? '';
  // Someone's AdminDeleteUser loop: every user gone.
  for (let i = 0; i < USERS; i++)
    fake.call('AdminDeleteUser', { UserPoolId: poolId, Username: `user-${String(i).padStart(3, '0')}` });
  fake.resetCounts();
});

afterAll(async () => {
  await running?.stop();
  await rm(work, { recursive: true, force: true });
});

it('a restore killed mid-apply and run again ends as an uninterrupted one would, running nothing twice', async () => {
  expect(existsSync(BIN), 'the CLI must be built (pnpm build) before this test').toBe(true);
  const args = [
    '--at',
    at,
    '--pool',
    poolId,
    '--store',
    store,
    '--endpoint',
    running.endpoint,
    '--yes',
    '--report',
    'reports',
  ];
  // Paced slowly (20 creations a second) so the kill lands in the middle.
  const child = spawn(process.execPath, [BIN, ...args, '--rate', 'UserCreation=20', '--concurrency', '4'], {
    cwd: work,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (running.fake.callCount('AdminCreateUser') < USERS / 3 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  expect(await exited).toBeNull();
  const createdBeforeKill = running.fake.callCount('AdminCreateUser');
  expect(createdBeforeKill).toBeGreaterThan(0);
  expect(createdBeforeKill).toBeLessThan(USERS);

  const resumed = await run(...args);
  expect(resumed.err).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toContain('continued 1 earlier run(s)');
  // What the killed run did is no "changed since the plan" conflict: nothing is left alone.
  const reports = join(work, 'reports');
  const [file] = (await readdir(reports)).filter((f) => f.startsWith('restore-report-'));
  const report = JSON.parse(await readFile(join(reports, file ?? ''), 'utf8'));
  expect(report).toMatchObject({ ok: true, skipped: [], failures: [], resumedRuns: 1 });
  // Every user is in the sub ledger with the sub it has now, those whose answer the kill cut off too.
  const liveSubs = new Map(
    [...(await live())].map(([key, doc]) => [
      key,
      (doc.attributes as Record<string, string> | undefined)?.sub,
    ]),
  );
  expect(report.subLedger).toHaveLength(USERS);
  for (const entry of report.subLedger as { username: string; newSub: string }[])
    expect(entry.newSub).toBe(liveSubs.get(`user:${entry.username}`));
  // Every user was created once and put in its group once, across both runs.
  expect(running.fake.callCount('AdminCreateUser')).toBe(USERS);
  expect(running.fake.callCount('AdminAddUserToGroup')).toBe(USERS);
  expect(running.fake.callCount('AdminDisableUser')).toBe(USERS / 10);

  const target = await stateAt(openLocalStore(store, { mustExist: true }), poolId, at);
  const atT = new Map<EntityKey, JsonObject>();
  for await (const entry of target.entities) atT.set(entry.key, entry.doc);
  expect(writable(await live(), ['user', 'group'])).toEqual(writable(atT, ['user', 'group']));

  const again = await run(...args);
  expect(again.code).toBe(0);
  expect(again.err).toMatch(/nothing to do.*an earlier run of this restore finished/);
  expect(running.fake.callCount('AdminCreateUser')).toBe(USERS);
});
