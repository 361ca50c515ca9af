import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserPoolCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LocalServiceStartError } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoLocal } from './cognitoLocal.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('startCognitoLocal', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cognito-local-spec-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('keeps pools across restarts on the same data directory', async () => {
    const dataDir = join(work, 'persisted');
    const first = await startCognitoLocal({ dataDir });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = JSON.parse(await readFile(join(dataDir, '.cognito', 'config.json'), 'utf8'));
    expect(config).toEqual({ UserPoolDefaults: { UsernameAttributes: [] } });
    let client = createCognitoClient({ endpoint: first.endpoint, maxAttempts: 1 });
    const created = await client.send(new CreateUserPoolCommand({ PoolName: 'survivor' }));
    client.destroy();
    await first.stop();

    const second = await startCognitoLocal({ dataDir });
    try {
      client = createCognitoClient({ endpoint: second.endpoint, maxAttempts: 1 });
      const { UserPool } = await client.send(
        new DescribeUserPoolCommand({ UserPoolId: created.UserPool?.Id }),
      );
      expect(UserPool?.Name).toBe('survivor');
      // Username-based pools, thanks to the config written on first start.
      expect(UserPool?.UsernameAttributes ?? []).toEqual([]);
      client.destroy();
    } finally {
      await second.stop();
    }
    expect(await exists(dataDir)).toBe(true);
  });

  it('removes the temp directory it made once stopped', async () => {
    const local = await startCognitoLocal();
    expect(await exists(join(local.dataDir, '.cognito', 'config.json'))).toBe(true);
    await local.stop();
    expect(await exists(local.dataDir)).toBe(false);
  });

  it('fails with a named error when the server cannot start', async () => {
    const binPath = join(work, 'missing-start.js');
    const error = await startCognitoLocal({ dataDir: join(work, 'broken'), binPath }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalServiceStartError);
    expect(String((error as Error).message)).toMatch(/^cognito-local did not start: exited with 1/);
  });

  it('gives up after the start timeout when the server never says where it listens', async () => {
    const binPath = join(work, 'silent.js');
    await writeFile(binPath, "console.log('warming up'); setInterval(() => {}, 1000);\n");
    const error = await startCognitoLocal({
      dataDir: join(work, 'silent'),
      binPath,
      startTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalServiceStartError);
    expect(String((error as Error).message)).toContain(
      'no "running on" line within 300 ms (last output: warming up)',
    );
  });
});
