import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const infraDir = fileURLToPath(new URL('..', import.meta.url));
const cdk = join(infraDir, 'node_modules', '.bin', 'cdk');

/**
 * The CDK CLI itself, as the README runs it: offline (no AWS account, no credentials, no network —
 * the environment is scrubbed of AWS settings), on the compiled app (`tsc -b` ran before the tests).
 */
async function synth(args: string[], outdir: string) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: outdir,
    CDK_DISABLE_VERSION_CHECK: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return run(
    cdk,
    [
      'synth',
      '--quiet',
      '--no-notices',
      '--no-version-reporting',
      '--output',
      join(outdir, 'cdk.out'),
      ...args,
    ],
    { cwd: infraDir, env, timeout: 120_000 },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

describe('cdk synth', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rewind-cdk-synth-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('synthesizes the example configuration offline, cdk-nag included, into three stacks', async () => {
    const result = await synth(
      ['-c', 'config=rewind.config.example.json', '-c', `bundleDir=${inject('bundleDir')}`],
      dir,
    );
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.code, result.stderr).toBe(0);
    const files = await readdir(join(dir, 'cdk.out'));
    expect(files).toEqual(
      expect.arrayContaining([
        'CognitoRewind.template.json',
        'CognitoRewind-Store.template.json',
        'CognitoRewind-Replica.template.json',
      ]),
    );
    const template = JSON.parse(await readFile(join(dir, 'cdk.out', 'CognitoRewind.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs)).toContain('RewindRestoreRoleArn');
  });

  it('stops on a wrong value with one sentence naming it, and exit code 2', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ region: 'eu-west-1', pools: ['us-east-1_AAAAAAAAA'] }));
    const result = await synth(['-c', `config=${bad}`], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `${bad}: pools[0] us-east-1_AAAAAAAAA is in us-east-1, not in the deployment's region eu-west-1.`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says where the configuration should be when there is none', async () => {
    const result = await synth(['-c', `config=${join(dir, 'missing.json')}`], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('copy rewind.config.example.json to rewind.config.json');
  });
});
