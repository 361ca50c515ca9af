import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidInputError } from '../errors.js';
import { type Deployment, parseDeployment, withDeployment } from './deployment.js';
import { DEPLOYMENT_OUTPUTS } from './deploymentOutputs.js';
import { parseSetting, settingsFromFlags, storeConfigFromFlags } from './parseStoreConfig.js';
import { fromFlags } from './settings.js';

const FILE = { value: 'rewind-outputs.json', from: '--deployment' };
const ROLE = 'arn:aws:iam::123456789012:role/rewind-restore';

/** A stack's outputs as the CDK app writes them. */
const rewindOutputs = (overrides: Record<string, unknown> = {}) => ({
  [DEPLOYMENT_OUTPUTS.bucket]: 'acme-rewind-backup',
  [DEPLOYMENT_OUTPUTS.table]: 'acme-rewind-changes',
  [DEPLOYMENT_OUTPUTS.prefix]: 'prod',
  [DEPLOYMENT_OUTPUTS.kmsKeyArn]:
    'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  [DEPLOYMENT_OUTPUTS.region]: 'eu-west-1',
  [DEPLOYMENT_OUTPUTS.restoreRoleArn]: ROLE,
  [DEPLOYMENT_OUTPUTS.poolIds]: 'eu-west-1_Ab12,eu-west-1_Cd34',
  ...overrides,
});

const file = (stacks: unknown) => JSON.stringify(stacks, null, 2);

/** What `fn` threw; fails the test when it threw nothing. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseDeployment: the outputs file `cdk deploy --outputs-file` writes', () => {
  it('finds the one stack with the Rewind outputs among others, and names where each value came from', () => {
    const text = file({ RewindNetwork: { VpcId: 'vpc-1' }, Rewind: rewindOutputs({ RewindPrefix: '' }) });
    const deployment = parseDeployment(text, FILE);
    expect(deployment.file).toBe('rewind-outputs.json');
    expect(deployment.stack).toBe('Rewind');
    expect(deployment.outputs.table).toEqual({
      value: 'acme-rewind-changes',
      from: 'RewindTableName of stack Rewind in rewind-outputs.json',
    });
    // A blank output (no prefix) is no setting at all.
    expect(deployment.outputs.prefix).toBeUndefined();
    expect(deployment.outputs.roleArn?.value).toBe(ROLE);
  });

  it('takes the stack --stack names among several deployments', () => {
    const text = file({ RewindEu: rewindOutputs(), RewindUs: rewindOutputs({ RewindRegion: 'us-east-1' }) });
    const us = parseDeployment(text, FILE, { value: 'RewindUs', from: '--stack' });
    expect(us.stack).toBe('RewindUs');
    expect(us.outputs.region?.value).toBe('us-east-1');
  });

  const two = file({ RewindEu: rewindOutputs(), RewindUs: rewindOutputs(), Other: { X: '1' } });
  it.each([
    [
      'not JSON',
      '{"Rewind": {',
      /^--deployment rewind-outputs\.json is not JSON \(.+\): give the file `cdk deploy --outputs-file <file>` wrote$/,
    ],
    [
      'an array',
      '[]',
      /rewind-outputs\.json is not a CDK outputs file: expected \{"<stack>": \{"<output>": "<value>"\}\}/,
    ],
    ['null', 'null', /is not a CDK outputs file/],
    ['a stack that is not an object', '{"Rewind": "acme"}', /is not a CDK outputs file/],
    [
      'no stack at all',
      '{}',
      /^--deployment rewind-outputs\.json holds no stack: deploy with `cdk deploy --outputs-file <file>`$/,
    ],
    [
      'no stack with the Rewind outputs',
      file({ Network: { VpcId: 'vpc-1' }, Dns: {} }),
      /^--deployment rewind-outputs\.json has no stack with the output RewindBucketName \(its stacks: Network, Dns\): is it the outputs file of a Cognito Rewind deployment\?$/,
    ],
    [
      'several deployments and no --stack',
      two,
      /^--deployment rewind-outputs\.json holds several Cognito Rewind deployments \(stacks RewindEu, RewindUs\): choose one with --stack <name>$/,
    ],
    [
      'an output that is not a string',
      file({ Rewind: rewindOutputs({ RewindTableName: 42 }) }),
      /^output RewindTableName of stack Rewind in rewind-outputs\.json is not a string: 42$/,
    ],
  ])('refuses %s, naming the file and what is wrong', (_case, text, message) => {
    const error = thrown(() => parseDeployment(text, FILE));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(message);
  });

  it('names the variable when the file came from REWIND_DEPLOYMENT, and says how to choose a stack there', () => {
    const error = thrown(() => parseDeployment(two, { value: 'out.json', from: 'REWIND_DEPLOYMENT' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'REWIND_DEPLOYMENT out.json holds several Cognito Rewind deployments (stacks RewindEu, RewindUs): choose one with REWIND_STACK <name>',
    );
  });

  it.each([
    ['Nope', '--stack Nope is not a stack of rewind-outputs.json (its stacks: RewindEu, RewindUs, Other)'],
    [
      'Other',
      '--stack Other: that stack of rewind-outputs.json has no RewindBucketName output, so it is not a Cognito Rewind deployment (those that are: RewindEu, RewindUs)',
    ],
  ])('refuses a --stack %s that is no deployment of the file', (stack, message) => {
    const error = thrown(() => parseDeployment(two, FILE, { value: stack, from: '--stack' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(message);
  });
});

describe('withDeployment and storeConfigFromFlags: the deployment among the flags and variables', () => {
  const deployment = (overrides: Record<string, unknown> = {}): Deployment =>
    parseDeployment(file({ Rewind: rewindOutputs(overrides) }), FILE);
  const flags = { deployment: 'rewind-outputs.json' };

  it('gives the whole AWS store: bucket, table, prefix, KMS key and region', () => {
    expect(storeConfigFromFlags(flags, {}, deployment())).toEqual({
      kind: 'aws',
      bucket: 'acme-rewind-backup',
      table: 'acme-rewind-changes',
      prefix: 'prod',
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      region: 'eu-west-1',
    });
    const settings = settingsFromFlags(flags, {}, deployment());
    expect(settings.roleArn?.value).toBe(ROLE);
    expect(settings.deployment).toBeUndefined();
    expect(parseSetting('poolIds', deployment().outputs.poolIds ?? { value: '', from: '' })).toEqual([
      'eu-west-1_Ab12',
      'eu-west-1_Cd34',
    ]);
  });

  it('lets flags win over the file, but not variables, which may be left from another store', () => {
    const env = {
      REWIND_PREFIX: 'dev',
      REWIND_KMS_KEY_ID: 'alias/dev',
      REWIND_S3_ENDPOINT: 'http://127.0.0.1:4569',
    };
    expect(storeConfigFromFlags({ ...flags, table: 'restored-changes' }, env, deployment())).toEqual({
      kind: 'aws',
      bucket: 'acme-rewind-backup',
      table: 'restored-changes',
      prefix: 'prod',
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      region: 'eu-west-1',
      // What the file does not say (endpoints, tolerance) comes from the variables as ever.
      s3Endpoint: 'http://127.0.0.1:4569',
    });
    // No prefix in the file is no prefix, not REWIND_PREFIX's.
    expect(storeConfigFromFlags(flags, env, deployment({ RewindPrefix: '' }))).not.toHaveProperty('prefix');
  });

  it('takes the restore role unless --role-arn or REWIND_ROLE_ARN names another', () => {
    const other = 'arn:aws:iam::210987654321:role/break-glass';
    expect(settingsFromFlags(flags, {}, deployment()).roleArn).toEqual({
      value: ROLE,
      from: 'RewindRestoreRoleArn of stack Rewind in rewind-outputs.json',
    });
    expect(settingsFromFlags(flags, { REWIND_ROLE_ARN: other }, deployment()).roleArn?.value).toBe(other);
    expect(settingsFromFlags({ ...flags, roleArn: other }, {}, deployment()).roleArn?.value).toBe(other);
  });

  it('names a bad value by the output it came from', () => {
    expect(() => storeConfigFromFlags(flags, {}, deployment({ RewindBucketName: 'Acme_Backup' }))).toThrow(
      'RewindBucketName of stack Rewind in rewind-outputs.json is not an S3 bucket name: "Acme_Backup"',
    );
    const role = settingsFromFlags(flags, {}, deployment({ RewindRestoreRoleArn: 'rewind-restore' })).roleArn;
    expect(() => parseSetting('roleArn', role ?? FILE)).toThrow(
      'RewindRestoreRoleArn of stack Rewind in rewind-outputs.json is not an IAM role ARN',
    );
  });

  it.each([
    [{ RewindTableName: undefined }, 'RewindTableName'],
    [{ RewindRegion: '' }, 'RewindRegion'],
    [
      { RewindTableName: ' ', RewindRegion: undefined, RewindRestoreRoleArn: undefined },
      'RewindTableName, RewindRegion, RewindRestoreRoleArn',
    ],
  ])('refuses a deployment missing what the store needs: %j', (overrides, missing) => {
    const error = thrown(() => storeConfigFromFlags(flags, {}, deployment(overrides)));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      `stack Rewind in rewind-outputs.json has no ${missing} output: is the file from a complete deployment? (\`cdk deploy --outputs-file <file>\` writes it)`,
    );
  });

  it('lets a flag stand in for a missing output', () => {
    expect(
      storeConfigFromFlags(
        { ...flags, table: 'changes', roleArn: ROLE },
        {},
        deployment({ RewindTableName: '' }),
      ),
    ).toMatchObject({ table: 'changes' });
  });

  it.each([
    [{ ...flags, store: 'backups' }, {}, 'give either --store <dir> or --deployment <file>, not both'],
    [
      {},
      { REWIND_STORE: 'backups', REWIND_DEPLOYMENT: 'o.json' },
      'give either REWIND_STORE <dir> or REWIND_DEPLOYMENT <file>, not both',
    ],
  ])('refuses a directory store beside a deployment: %j %j', (given, env, message) => {
    const error = thrown(() => storeConfigFromFlags(given, env, deployment()));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(message);
  });

  it('refuses a stack without a deployment', () => {
    expect(() => storeConfigFromFlags({ bucket: 'acme-backup', stack: 'Rewind' })).toThrow(
      "--stack chooses a stack of a deployment's outputs file: give --deployment <file> too",
    );
  });

  it('never mixes a store named on the command line with a deployment from the environment', () => {
    const env = { REWIND_DEPLOYMENT: 'rewind-outputs.json', REWIND_STACK: 'Rewind' };
    // The caller reads no file here: fromFlags has already left the variables out.
    expect(fromFlags({ bucket: 'acme-backup' }, env)).not.toHaveProperty('deployment');
    expect(fromFlags({ store: 'dir' }, env)).not.toHaveProperty('stack');
    expect(storeConfigFromFlags({ store: 'dir' }, env)).toEqual({ kind: 'directory', dir: 'dir' });
    // A stack from the environment belongs to the file beside it, not to another named on the command line.
    expect(fromFlags({ deployment: 'other.json' }, env)).not.toHaveProperty('stack');
    expect(fromFlags({ stack: 'RewindUs' }, env).deployment?.from).toBe('REWIND_DEPLOYMENT');
  });

  it('refuses to go on when the named file was never read (a caller bug, not input)', () => {
    expect(() => withDeployment(fromFlags(flags), undefined)).toThrow('must be read and parsed');
  });
});
