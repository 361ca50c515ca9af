import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InstalledStack,
  installTarballs,
  packAll,
  runInstalled,
  startInstalled,
} from './installedCli.testing.js';
import { nextSecond } from './localStackTruth.testing.js';
import { until } from './stackProcess.testing.js';

/**
 * `restore-cli` as a user installs it: every published package packed, the tarballs installed with
 * npm into an empty directory outside the workspace (no workspace, no dev dependencies), and the
 * installed bin run: help, the local stack on each store capturing a change made with the SDK, then
 * `state` and a restore (planned, then applied) against what it captured.
 */

let work: string;
let app: string;
const stacks: InstalledStack[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-installed-'));
  app = join(work, 'app');
  await mkdir(join(work, 'tarballs'));
  await mkdir(app);
  await installTarballs(app, await packAll(join(work, 'tarballs')));
}, 180_000);

afterAll(async () => {
  for (const stack of stacks) stack.kill();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('restore-cli installed from the packed tarballs', () => {
  it('is on the PATH npm gives, with what it ships and without what only tests use', async () => {
    const modules = join(app, 'node_modules');
    expect(existsSync(join(modules, '@cognito-rewind', 'restore-cli', 'package.json'))).toBe(true);
    for (const testOnly of ['vitest', 'fast-check', join('@cognito-rewind', 'testkit')])
      expect(existsSync(join(modules, testOnly)), testOnly).toBe(false);
    // No spec or test helper in what the packages ship (dist holds what the CLI runs, nothing else).
    const shipped = await readdir(join(modules, '@cognito-rewind'), { recursive: true });
    expect(
      shipped.filter((file) => /\.(spec|testing)\.[^/\\]*$/.test(file)),
      'tsc -b leaves the outputs of files no longer compiled: after an older build, remove packages/*/dist first',
    ).toEqual([]);
    const help = await runInstalled(app, ['--help']);
    expect(help.err).toBe('');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: restore-cli');
    expect(help.out).toContain('start [options]');
  });

  it.each(['directory', 'aws'])(
    'start --store %s captures a change made with the SDK; state and restore read what it captured',
    async (store) => {
      const dir = join(work, `stack-${store}`);
      const stack = await startInstalled(app, dir, ['--store', store]);
      stacks.push(stack);
      expect(stack.info.store.kind).toBe(store);
      expect(stack.info.cognitoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // As the banner tells a user to make a client.
      const cognito = new CognitoIdentityProviderClient({
        endpoint: stack.info.cognitoEndpoint,
        region: stack.info.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        const created = await cognito.send(new CreateUserPoolCommand({ PoolName: `installed-${store}` }));
        const UserPoolId = created.UserPool?.Id ?? '';
        const usersAt = async (at: string): Promise<string[] | undefined> => {
          const state = await runInstalled(app, ['state', '--local', dir, '--pool', UserPoolId, '--at', at]);
          return state.code === 0 ? Object.keys(JSON.parse(state.out).users) : undefined;
        };
        await cognito.send(
          new AdminCreateUserCommand({ UserPoolId, Username: 'ann', MessageAction: 'SUPPRESS' }),
        );
        await until('ann captured', async () => ((await usersAt('now'))?.includes('ann') ? true : undefined));
        // Cognito dates changes in whole seconds: T a second apart from the creation and the deletion.
        await nextSecond();
        const at = new Date().toISOString();
        await nextSecond();
        await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'ann' }));
        await until('the deletion captured', async () => {
          const users = await usersAt('now');
          return users !== undefined && !users.includes('ann') ? true : undefined;
        });
        expect(await usersAt(at)).toEqual(['ann']);

        const restore = ['restore', '--local', dir, '--pool', UserPoolId, '--at', at];
        const planned = await runInstalled(app, [...restore, '--dry-run', '--format', 'json']);
        expect(planned.code, planned.err).toBe(0);
        expect(planned.err).toContain('dry run');
        const plan = JSON.parse(planned.out) as { tasks: { entity: string; actions: { kind: string }[] }[] };
        expect(plan.tasks.map((task) => [task.entity, task.actions.map((a) => a.kind)])).toEqual([
          ['user:ann', ['createUser']],
        ]);
        const absent = cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'ann' }));
        await expect(absent).rejects.toMatchObject({ name: 'UserNotFoundException' });

        const applied = await runInstalled(app, [
          ...restore,
          '--yes',
          '--report',
          join(work, `report-${store}`),
        ]);
        expect(applied.code, applied.err).toBe(0);
        const ann = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'ann' }));
        expect(ann.Username).toBe('ann');
      } finally {
        cognito.destroy();
      }
      expect(await stack.stop()).toBe(0);
      expect(stack.output()).toContain('stopped; everything is kept');
    },
    120_000,
  );
});
