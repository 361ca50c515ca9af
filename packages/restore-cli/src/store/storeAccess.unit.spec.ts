import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOYMENT_OUTPUTS, InvalidInputError } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingIoHost } from '../io/ioHost.js';
import { STS_ENDPOINT_ENV, sessionName } from './restoreRole.js';
import { chooseAccess, poolOf } from './storeAccess.js';
import { chooseStore } from './storeOptions.js';

const ROLE = 'arn:aws:iam::123456789012:role/rewind-restore';
const outputs = (poolIds: string) => ({
  [DEPLOYMENT_OUTPUTS.bucket]: 'acme-rewind-backup',
  [DEPLOYMENT_OUTPUTS.table]: 'acme-rewind-changes',
  [DEPLOYMENT_OUTPUTS.prefix]: '',
  [DEPLOYMENT_OUTPUTS.kmsKeyArn]: '',
  [DEPLOYMENT_OUTPUTS.region]: 'eu-west-1',
  [DEPLOYMENT_OUTPUTS.restoreRoleArn]: ROLE,
  [DEPLOYMENT_OUTPUTS.poolIds]: poolIds,
});

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'rewind-access-'));
  await writeFile(join(cwd, 'one.json'), JSON.stringify({ Rewind: outputs('eu-west-1_Ab12') }));
  await writeFile(
    join(cwd, 'two.json'),
    JSON.stringify({ Rewind: outputs('eu-west-1_Ab12, eu-west-1_Cd34'), Other: { X: 'y' } }),
  );
  await writeFile(join(cwd, 'none.json'), JSON.stringify({ Rewind: outputs('') }));
  await writeFile(join(cwd, 'broken.json'), '{"Rewind": ');
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ cwd, env });

describe('chooseAccess: the store and the role a command works with', () => {
  it('reads the deployment named by --deployment or REWIND_DEPLOYMENT, against the working directory', () => {
    const access = chooseAccess({ deployment: 'one.json' }, ctx(), 'restore');
    expect(access.config).toEqual({
      kind: 'aws',
      bucket: 'acme-rewind-backup',
      table: 'acme-rewind-changes',
      region: 'eu-west-1',
    });
    expect(access.deployment).toMatchObject({ file: 'one.json', stack: 'Rewind' });
    expect(access.pools).toEqual(['eu-west-1_Ab12']);
    expect(typeof access.credentials).toBe('function');
    expect(chooseAccess({}, ctx({ REWIND_DEPLOYMENT: 'one.json' }), 'verify').config).toMatchObject({
      bucket: 'acme-rewind-backup',
    });
    expect(chooseStore({ deployment: join(cwd, 'two.json') })).toMatchObject({
      table: 'acme-rewind-changes',
    });
  });

  it('uses the SDK chain when no role is named, and the role --role-arn names otherwise', () => {
    expect(chooseAccess({ bucket: 'acme-backup' }, ctx(), 'state').credentials).toBeUndefined();
    expect(chooseAccess({ store: 'dir', roleArn: ROLE }, ctx(), 'backup').credentials).toBeTypeOf('function');
    expect(
      chooseAccess({ bucket: 'acme-backup' }, ctx({ REWIND_ROLE_ARN: ROLE }), 'state').credentials,
    ).toBeTypeOf('function');
  });

  it.each([
    [
      { deployment: 'missing.json' },
      {},
      '--deployment missing.json: no such file (write it with `cdk deploy --outputs-file missing.json`)',
    ],
    [{ deployment: '.' }, {}, '--deployment .: a directory, not a file'],
    [{}, { REWIND_DEPLOYMENT: 'broken.json' }, 'REWIND_DEPLOYMENT broken.json is not JSON'],
    [
      { deployment: 'one.json', store: 'dir' },
      {},
      'give either --store <dir> or --deployment <file>, not both',
    ],
    [
      { deployment: 'two.json', stack: 'Other' },
      {},
      '--stack Other: that stack of two.json has no RewindBucketName output',
    ],
    [
      { deployment: 'one.json', roleArn: 'arn:aws:iam::123456789012:user/alice' },
      {},
      '--role-arn arn:aws:iam::123456789012:user/alice is not an IAM role ARN',
    ],
    [
      { bucket: 'acme-backup' },
      { REWIND_ROLE_ARN: 'restore' },
      'REWIND_ROLE_ARN is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>): "restore"',
    ],
    [
      { deployment: 'one.json' },
      { [STS_ENDPOINT_ENV]: 'https://sts.amazonaws.com' },
      `${STS_ENDPOINT_ENV} is for tests only and takes a loopback http(s) URL`,
    ],
  ])('refuses %j %j with a specific message, calling nothing', (options, env, message) => {
    expect(() => chooseAccess(options, ctx(env), 'restore')).toThrow(InvalidInputError);
    expect(() => chooseAccess(options, ctx(env), 'restore')).toThrow(message);
  });

  it('names each command in its session, as STS takes it', () => {
    expect(sessionName('restore')).toBe('cognito-rewind-restore');
    expect(sessionName('store init')).toBe('cognito-rewind-store-init');
  });
});

describe('poolOf: --pool, or the deployment’s only pool', () => {
  const io = new RecordingIoHost();

  it('takes the deployment’s only pool when --pool is left out', () => {
    expect(poolOf(undefined, chooseAccess({ deployment: 'one.json' }, ctx(), 'verify'), { io })).toBe(
      'eu-west-1_Ab12',
    );
  });

  it.each([
    [
      'two.json',
      '--pool <id> is required: the deployment in two.json (stack Rewind) keeps several pools: eu-west-1_Ab12, eu-west-1_Cd34',
    ],
    ['none.json', '--pool <id> is required: the deployment in none.json (stack Rewind) lists no pools'],
  ])('requires --pool when %s keeps several pools or lists none, naming them', (file, message) => {
    const access = chooseAccess({ deployment: file }, ctx(), 'verify');
    expect(() => poolOf(undefined, access, { io })).toThrow(message);
  });

  it('requires --pool without a deployment, as ever', () => {
    expect(() => poolOf(undefined, chooseAccess({ store: 'dir' }, ctx(), 'state'), { io })).toThrow(
      "required option '--pool <id>' not specified",
    );
  });

  it('works on a pool the deployment does not keep, warning that its role may not reach it', () => {
    const access = chooseAccess({ deployment: 'two.json' }, ctx(), 'restore');
    expect(poolOf('us-east-1_Zz99', access, { io })).toBe('us-east-1_Zz99');
    expect(io.errors).toContain(
      'warning: pool us-east-1_Zz99 is not one the deployment in two.json keeps (eu-west-1_Ab12, eu-west-1_Cd34): its restore role may not reach it',
    );
    expect(() => poolOf('../etc', access, { io })).toThrow('is not a user pool id');
  });
});
