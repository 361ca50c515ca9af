import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PoolStateDocument } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from './cli.js';
import { createDemoPool, mutateDemoPool } from './demo/demoPool.js';
import { RecordingIoHost } from './io/ioHost.js';

let local: Awaited<ReturnType<typeof startCognitoLocal>>;
let cognito: CognitoIdentityProviderClient;
let work: string;
let store: string;
let poolId: string;
let firstAt: string;
let secondAt: string;

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd: work });
  return { code, out: io.output, err: io.errors };
}

async function snapshotFiles(): Promise<string[]> {
  const files = await readdir(join(store, 'cognito-backup', poolId, 'snapshots'), { recursive: true });
  return files.filter((f) => f.endsWith('.ndjson.gz')).sort();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-cli-'));
  store = join(work, 'store');
  local = await startCognitoLocal({ dataDir: join(work, 'cognito-local') });
  cognito = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
  poolId = await createDemoPool(cognito);
  const first = await run('backup', '--pool', poolId, '--store', store, '--endpoint', local.endpoint);
  expect(first.err).toBe('');
  expect(first.code).toBe(EXIT.ok);
  firstAt = /at (\S+)/.exec(first.out)?.[1] ?? '';
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await mutateDemoPool(cognito, poolId);
  const second = await run('backup', '--pool', poolId, '--store', store, '--endpoint', local.endpoint);
  expect(second.code).toBe(EXIT.ok);
  secondAt = /at (\S+)/.exec(second.out)?.[1] ?? '';
});

afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('restore-cli backup', () => {
  it('summarises what it read and what changed', async () => {
    const again = await run('backup', '--pool', poolId, '--store', store, '--endpoint', local.endpoint);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/entities\s+13 \(2 client, 3 group, 1 mfa, 1 pool, 1 tags, 5 user\)/);
    expect(again.out).toContain('0 change record(s) since the previous backup');
    expect(again.out).toMatch(/not captured \(endpoint does not support\): .*identityProviders/);
    expect(await snapshotFiles()).toHaveLength(3);
  });

  it('never stores the client secret', async () => {
    const state = await run('state', '--pool', poolId, '--store', store, '--at', 'now');
    const doc = JSON.parse(state.out) as PoolStateDocument;
    const backend = Object.values(doc.clients).find((c) => c.ClientName === 'backend');
    expect(backend?.HasClientSecret).toBe(true);
    expect(state.out).not.toMatch(/"ClientSecret"/);
  });
});

describe('restore-cli state', () => {
  it('prints the pool as it was before and after the bad afternoon', async () => {
    const before = JSON.parse((await run('state', '--pool', poolId, '--store', store, '--at', firstAt)).out);
    const after = JSON.parse((await run('state', '--pool', poolId, '--store', store, '--at', secondAt)).out);
    expect(Object.keys(before.users)).toEqual(['alice', 'bob', 'carol', 'ops/dave', 'émilie~dupont']);
    expect(Object.keys(after.users)).toEqual(['alice', 'carol', 'frank', 'ops/dave', 'émilie~dupont']);
    expect(before.users.alice.groups).toEqual(['admins', 'editors']);
    expect(after.users.alice.groups).toEqual(['editors']);
    expect(before.users['ops/dave'].attributes['custom:plan']).toBe('free');
    expect(after.users['ops/dave'].attributes['custom:plan']).toBe('enterprise');
    expect(before.users.carol.enabled).toBe(false);
    expect(before.groups.admins.Precedence).toBe(1);
  });

  it('writes the state to a file with --out', async () => {
    const result = await run(
      'state',
      '--pool',
      poolId,
      '--store',
      store,
      '--at',
      firstAt,
      '--out',
      'then.json',
    );
    expect(result.code).toBe(EXIT.ok);
    const doc = JSON.parse(await readFile(join(work, 'then.json'), 'utf8')) as PoolStateDocument;
    expect(doc.at).toBe(firstAt);
    expect(Object.keys(doc.users)).toContain('bob');
  });

  it.each([
    [['--at', 'yesterday'], /not an ISO-8601 time/],
    [['--at', '2001-01-01T00:00Z'], /before the first snapshot of this pool \(\d{4}-/],
  ])('refuses %j with one clear line and writes nothing', async (extra, message) => {
    const result = await run('state', '--pool', poolId, '--store', store, ...extra, '--out', 'nope.json');
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toMatch(message);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(existsSync(join(work, 'nope.json'))).toBe(false);
  });

  it('answers a time in the future with the latest state, and says so', async () => {
    const result = await run('state', '--pool', poolId, '--store', store, '--at', '2999-01-01T00:00Z');
    expect(result.code).toBe(EXIT.ok);
    expect(result.err).toMatch(/^warning: --at 2999-01-01T00:00:00.000Z is in the future/);
    expect(Object.keys(JSON.parse(result.out).users)).toContain('frank');
  });

  it('warns that the store is damaged, though its own reads never touch the damaged line', async () => {
    const copy = join(work, 'damaged-copy');
    await cp(store, copy, { recursive: true });
    // The journal's first line (the first backup's baseline), far from what state at secondAt reads.
    const journal = join(copy, 'cognito-backup', poolId, 'changes', 'journal.log');
    await writeFile(
      journal,
      (await readFile(journal, 'utf8')).replace('"version":1', '"version":1,"forged":true'),
    );
    for (let n = 0; n < 2; n++) {
      const result = await run('state', '--pool', poolId, '--store', copy, '--at', secondAt);
      expect(result.code).toBe(EXIT.ok);
      expect(Object.keys(JSON.parse(result.out).users)).toContain('frank');
      expect(result.err).toMatch(
        new RegExp(
          `^warning: the store is damaged: 1 damaged journal line\\(s\\) \\(first at byte 0, \\S+\\) — run \`restore-cli verify --pool ${poolId}\`$`,
        ),
      );
    }
  });

  it('warns of what the last verify found, until a verify finds the store whole again', async () => {
    const copy = join(work, 'verified-copy');
    await cp(store, copy, { recursive: true });
    const [older] = await snapshotFiles();
    const object = join(copy, 'cognito-backup', poolId, 'snapshots', older ?? '');
    const bytes = await readFile(object);
    const flip = () => {
      bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    };
    flip();
    await writeFile(object, bytes);
    expect((await run('verify', '--pool', poolId, '--store', copy)).code).toBe(EXIT.failed);
    const warned = await run('state', '--pool', poolId, '--store', copy, '--at', secondAt);
    expect(warned.code).toBe(EXIT.ok);
    expect(warned.err).toMatch(
      /^warning: the store is damaged: the last verify \(\S+\) found 1 problem\(s\) \(first: .*\.ndjson\.gz\) — run `restore-cli verify/m,
    );
    flip();
    await writeFile(object, bytes);
    expect((await run('verify', '--pool', poolId, '--store', copy)).code).toBe(EXIT.ok);
    expect((await run('state', '--pool', poolId, '--store', copy, '--at', secondAt)).err).toBe('');
  });

  it('refuses a pool the store does not know', async () => {
    const result = await run('state', '--pool', 'us-east-1_Nope', '--store', store, '--at', 'now');
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toBe('error: pool us-east-1_Nope has no snapshots in this store');
  });
});

describe('restore-cli snapshots', () => {
  it('lists what the store holds', async () => {
    const result = await run('snapshots', '--pool', poolId, '--store', store);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toContain(firstAt);
    expect(result.out).toContain(secondAt);
    expect(result.out).toContain('scan');
  });
});

describe('restore-cli verify', () => {
  it('refuses a pool the store does not know, instead of finding that everything checks out', async () => {
    const result = await run('verify', '--pool', 'us-east-1_Nope', '--store', store);
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toBe('error: pool us-east-1_Nope has no snapshots in this store');
    expect(result.out).not.toContain('checks out');
  });

  it('checks a directory store end to end, and names a change record edited on disk', async () => {
    // The store of the backups before and after the bad afternoon, copied so the edit stays here.
    const copy = join(work, 'verify-copy');
    await cp(store, copy, { recursive: true });
    const clean = await run('verify', '--pool', poolId, '--store', copy);
    expect(clean.code).toBe(EXIT.ok);
    expect(clean.out).toMatch(/chains\s+\d+ entities, [1-9]\d* records/);
    expect(clean.out).toContain('everything checks out');

    // Edit one record's after-image in the journal, keeping its hash: the chain no longer verifies.
    const journal = join(copy, 'cognito-backup', poolId, 'changes', 'journal.log');
    await writeFile(
      journal,
      (await readFile(journal, 'utf8')).replace('"version":1', '"version":1,"forged":true'),
    );
    const broken = await run('verify', '--pool', poolId, '--store', copy);
    expect(broken.code).toBe(EXIT.failed);
    expect(broken.out).toMatch(
      /problem\(s\):\n.*is not a valid change record \(Unrecognized key: "forged"\)/,
    );
  });
});

describe('bad input and faults', () => {
  it('reports an unreachable endpoint and creates no store', async () => {
    const result = await run(
      'backup',
      '--pool',
      poolId,
      '--store',
      'never',
      '--endpoint',
      'http://127.0.0.1:9',
    );
    expect(result.code).toBe(EXIT.failed);
    expect(result.err).toMatch(/^error: cannot reach the Cognito endpoint http:\/\/127\.0\.0\.1:9/);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('reports a pool the endpoint does not have', async () => {
    const result = await run(
      'backup',
      '--pool',
      'local_Missing1',
      '--store',
      'never',
      '--endpoint',
      local.endpoint,
    );
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toMatch(/local_Missing1 does not exist/);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it.each([
    [
      ['state', '--at', 'now', '--out', 'missing/dir/x.json'],
      /--out missing\/dir\/x.json: directory .* does not exist/,
    ],
    [
      ['backup', '--endpoint', 'http://127.0.0.1:9', '--region', 'bad!'],
      /--region "bad!" is not an AWS region/,
    ],
  ])('refuses %j before doing any work', async (args, message) => {
    const [command, ...rest] = args as [string, ...string[]];
    const result = await run(command, '--pool', poolId, '--store', store, ...rest);
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toMatch(message);
  });

  it('refuses a store that is a file, before reading the pool', async () => {
    await writeFile(join(work, 'a-file'), 'not a store');
    const result = await run(
      'backup',
      '--pool',
      poolId,
      '--store',
      'a-file',
      '--endpoint',
      'http://127.0.0.1:9',
    );
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toMatch(/store .*a-file is a file, not a directory/);
  });

  it('refuses a malformed pool id and a missing option', async () => {
    expect((await run('state', '--pool', 'x', '--store', store, '--at', 'now')).err).toMatch(
      /not a user pool id/,
    );
    const missing = await run('state', '--pool', poolId, '--store', store);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.err).toMatch(/--at/);
  });

  it('falls back past a corrupt snapshot and names it; fails on a missing one', async () => {
    const copy = join(work, 'copy');
    await run('backup', '--pool', poolId, '--store', copy, '--endpoint', local.endpoint);
    await run('backup', '--pool', poolId, '--store', copy, '--endpoint', local.endpoint);
    const dir = join(copy, 'cognito-backup', poolId, 'snapshots');
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ndjson.gz')).sort();
    const newest = join(dir, files[1] ?? '');
    const bytes = await readFile(newest);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    await unlink(newest);
    await writeFile(newest, bytes);
    const fellBack = await run('state', '--pool', poolId, '--store', copy, '--at', 'now');
    expect(fellBack.code).toBe(EXIT.ok);
    expect(fellBack.err).toContain(files[1]?.split('/').pop()?.replace('.ndjson.gz', '') ?? '?');
    expect(fellBack.err).toMatch(/corrupt/);

    await unlink(join(dir, files[0] ?? ''));
    const broken = await run('state', '--pool', poolId, '--store', copy, '--at', 'now');
    expect(broken.code).toBe(EXIT.failed);
    expect(broken.err).toMatch(/^error: snapshot .* is (corrupt|missing)/);
  });
});
