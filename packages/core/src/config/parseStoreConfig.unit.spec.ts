import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidInputError } from '../errors.js';
import {
  lambdaStoreConfig,
  parseSetting,
  readSetting,
  requireSetting,
  storeConfigFromFlags,
} from './parseStoreConfig.js';
import { FLAG_SETTINGS, SETTINGS, type SettingName } from './settings.js';

/** What `fn` threw; fails the test when it threw nothing. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** For every setting: text it takes (and what it becomes), and text it refuses (and the problem named). */
const SAMPLES: { readonly [K in SettingName]: { good: [string, unknown]; bad: [string, string][] } } = {
  store: { good: ['.rewind/store', '.rewind/store'], bad: [['', 'names no directory']] },
  deployment: { good: ['rewind-outputs.json', 'rewind-outputs.json'], bad: [['', 'names no file']] },
  stack: { good: ['RewindStack', 'RewindStack'], bad: [['', 'names no stack']] },
  bucket: {
    good: ['acme-backup', 'acme-backup'],
    bad: [
      ['Not_A_Bucket', 'is not an S3 bucket name'],
      ['ab', 'is not an S3 bucket name'],
    ],
  },
  table: { good: ['changes', 'changes'], bad: [['a b', 'is not a DynamoDB table name']] },
  prefix: { good: ['prod', 'prod'], bad: [] },
  s3Endpoint: {
    good: ['http://127.0.0.1:4569', 'http://127.0.0.1:4569'],
    bad: [
      ['localhost:4569', 'is not an http(s) URL'],
      ['not a url', 'is not a URL'],
    ],
  },
  dynamodbEndpoint: {
    good: ['https://dynamodb.eu-west-1.amazonaws.com', 'https://dynamodb.eu-west-1.amazonaws.com'],
    bad: [['ftp://127.0.0.1:8000', 'is not an http(s) URL']],
  },
  kmsKeyId: { good: ['alias/backup', 'alias/backup'], bad: [] },
  clockTolerance: {
    good: ['30.5', 30_500],
    bad: [
      ['300', "is not a number of seconds above 0 and under 300 (the change log's position lag)"],
      ['2m', 'is not a number of seconds above 0'],
      ['0', 'is not a number of seconds above 0'],
    ],
  },
  roleArn: {
    good: [
      'arn:aws-us-gov:iam::123456789012:role/ops/rewind-restore',
      'arn:aws-us-gov:iam::123456789012:role/ops/rewind-restore',
    ],
    bad: [
      ['arn:aws:iam::1234:role/rewind', 'is not an IAM role ARN'],
      ['arn:aws:iam::123456789012:user/alice', 'is not an IAM role ARN'],
      ['rewind-restore', 'is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)'],
    ],
  },
  region: { good: ['eu-west-1', 'eu-west-1'], bad: [['EU West', 'is not an AWS region (e.g. eu-west-1)']] },
  personalDataRetentionDays: {
    good: ['0.5', 0.5],
    bad: [
      ['0', 'is not a positive number of days'],
      ['90d', 'is not a positive number of days'],
    ],
  },
  cognitoEndpoint: {
    good: ['http://localhost:9229', 'http://localhost:9229'],
    bad: [['localhost:9229', 'is not an http(s) URL']],
  },
  poolIds: {
    good: [' eu-west-1_Ab12, ,us-east-1_Cd34,eu-west-1_Ab12,', ['eu-west-1_Ab12', 'us-east-1_Cd34']],
    bad: [
      ['eu-west-1_Ab12,../etc', 'holds "../etc", not a user pool id'],
      [' , ', 'names no pool'],
    ],
  },
  burstCount: { good: ['3000', '3000'], bad: [['many', 'is not a whole number']] },
  burstMinutes: { good: ['4', '4'], bad: [['4.5', 'is not a whole number']] },
  eventBridgeEndpoint: {
    good: ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    bad: [['127.0.0.1:4010', 'is not a URL']],
  },
};

describe('parseSetting: every flag and variable', () => {
  const names = Object.keys(SETTINGS) as SettingName[];

  it.each(names)('%s: takes good text', (name) => {
    const [text, value] = SAMPLES[name].good;
    expect(parseSetting(name, { value: text, from: SETTINGS[name].variable })).toEqual(value);
  });

  const refused = names.flatMap((name) => SAMPLES[name].bad.map(([text, problem]) => [name, text, problem]));
  it.each(refused)('%s: refuses %j, naming the variable and quoting the value', (name, text, problem) => {
    const { variable } = SETTINGS[name as SettingName];
    const error = thrown(() => parseSetting(name as SettingName, { value: text, from: variable }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ setting: variable });
    expect(error.message).toContain(`${variable} ${problem}`);
    expect(error.message).toContain(JSON.stringify(text));
  });

  const flagged = refused.filter(([name]) => FLAG_SETTINGS.includes(name as never));
  it.each(flagged)('%s: refuses %j, naming the flag with the value', (name, text, problem) => {
    const { flag } = SETTINGS[name as (typeof FLAG_SETTINGS)[number]];
    const error = thrown(() => parseSetting(name as SettingName, { value: text, from: flag }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${flag} ${text === '' ? '""' : text} ${problem}`);
  });
});

describe('storeConfigFromFlags (the CLI)', () => {
  it('takes a directory from --store or REWIND_STORE', () => {
    expect(storeConfigFromFlags({ store: 'backups' })).toEqual({ kind: 'directory', dir: 'backups' });
    expect(storeConfigFromFlags({}, { REWIND_STORE: ' /var/backups ' })).toEqual({
      kind: 'directory',
      dir: '/var/backups',
    });
  });

  const everyAwsFlag = {
    bucket: 'acme-backup',
    table: 'changes',
    prefix: 'prod',
    s3Endpoint: 'http://127.0.0.1:4569',
    dynamodbEndpoint: 'http://127.0.0.1:8000',
    kmsKeyId: 'alias/backup',
    clockTolerance: '30',
  };
  const everyAwsValue = {
    kind: 'aws',
    bucket: 'acme-backup',
    table: 'changes',
    prefix: 'prod',
    s3Endpoint: 'http://127.0.0.1:4569',
    dynamodbEndpoint: 'http://127.0.0.1:8000',
    kmsKeyId: 'alias/backup',
    clockToleranceMs: 30_000,
  };

  it('takes the AWS store from its flags, or the same from its variables', () => {
    expect(storeConfigFromFlags(everyAwsFlag)).toEqual(everyAwsValue);
    const env = Object.fromEntries(
      Object.entries(everyAwsFlag).map(([name, value]) => [SETTINGS[name as SettingName].variable, value]),
    );
    expect(storeConfigFromFlags({}, env)).toEqual(everyAwsValue);
  });

  it('takes the bucket alone when no table is named', () => {
    expect(storeConfigFromFlags({ bucket: 'acme-backup', prefix: 'dr' })).toEqual({
      kind: 'aws',
      bucket: 'acme-backup',
      prefix: 'dr',
    });
  });

  it('lets flags win, fills the rest from variables, but never mixes in another kind of store', () => {
    const env = {
      REWIND_BUCKET: 'env-bucket',
      REWIND_TABLE: 'env-table',
      REWIND_S3_ENDPOINT: 'http://[::1]:1',
    };
    expect(storeConfigFromFlags({ bucket: 'cli-bucket' }, env)).toEqual({
      kind: 'aws',
      bucket: 'cli-bucket',
      s3Endpoint: 'http://[::1]:1',
    });
    expect(storeConfigFromFlags({ store: 'dir' }, env)).toEqual({ kind: 'directory', dir: 'dir' });
  });

  it('reads no Lambda-only variable, and takes a blank variable for unset', () => {
    const env = { AWS_REGION: 'eu-west-1', REWIND_PERSONAL_DATA_RETENTION_DAYS: '30', REWIND_TABLE: '  ' };
    expect(storeConfigFromFlags({ bucket: 'acme-backup' }, env)).toEqual({
      kind: 'aws',
      bucket: 'acme-backup',
    });
  });

  it('leaves the settings of the kind not chosen unread', () => {
    expect(storeConfigFromFlags({ store: 'dir' }, { REWIND_CLOCK_TOLERANCE_SECONDS: 'soon' })).toEqual({
      kind: 'directory',
      dir: 'dir',
    });
  });

  it('names a bad value by where it came from', () => {
    expect(() => storeConfigFromFlags({ bucket: 'acme-backup', s3Endpoint: 'localhost:1' })).toThrow(
      '--s3-endpoint localhost:1 is not an http(s) URL',
    );
    expect(() =>
      storeConfigFromFlags({ bucket: 'acme-backup' }, { REWIND_S3_ENDPOINT: 'localhost:1' }),
    ).toThrow('REWIND_S3_ENDPOINT is not an http(s) URL: "localhost:1"');
  });

  it.each([
    [{}, {}, 'no store: give --store <dir>, or --bucket <name> --table <name> for the AWS store'],
    [{ store: 'd', table: 'changes' }, {}, 'give either --store <dir> or --bucket/--table, not both'],
    [
      {},
      { REWIND_STORE: 'd', REWIND_PREFIX: 'p' },
      'give either REWIND_STORE or REWIND_BUCKET/REWIND_TABLE, not both',
    ],
    [{ table: 'changes' }, {}, '--table needs --bucket: the bucket holds the snapshots'],
    [{}, { REWIND_TABLE: 'changes' }, 'REWIND_TABLE needs REWIND_BUCKET: the bucket holds the snapshots'],
  ])('refuses no store, or two: %j %j', (flags, env, message) => {
    const error = thrown(() => storeConfigFromFlags(flags, env));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(message);
  });
});

describe('lambdaStoreConfig (the Lambda environment)', () => {
  const base = { REWIND_BUCKET: 'backups', REWIND_TABLE: 'changes' };

  it('reads every variable of the AWS store, REWIND_STORE not among them', () => {
    expect(
      lambdaStoreConfig({
        ...base,
        REWIND_STORE: '/tmp/elsewhere',
        REWIND_PREFIX: 'prod',
        REWIND_KMS_KEY_ID: 'alias/backup',
        AWS_REGION: 'eu-west-1',
        REWIND_S3_ENDPOINT: 'http://127.0.0.1:4569',
        REWIND_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        REWIND_CLOCK_TOLERANCE_SECONDS: '60',
        REWIND_PERSONAL_DATA_RETENTION_DAYS: '90',
      }),
    ).toEqual({
      kind: 'aws',
      bucket: 'backups',
      table: 'changes',
      prefix: 'prod',
      kmsKeyId: 'alias/backup',
      region: 'eu-west-1',
      s3Endpoint: 'http://127.0.0.1:4569',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      clockToleranceMs: 60_000,
      personalDataRetentionDays: 90,
    });
  });

  it.each([
    [{ REWIND_TABLE: 'changes' }, 'REWIND_BUCKET is not set'],
    [{ REWIND_BUCKET: 'backups', REWIND_TABLE: ' ' }, 'REWIND_TABLE is not set'],
    [{ ...base, REWIND_BUCKET: 'Backups' }, 'REWIND_BUCKET is not an S3 bucket name: "Backups"'],
    [{ ...base, REWIND_PERSONAL_DATA_RETENTION_DAYS: '-1' }, 'is not a positive number of days: "-1"'],
  ])('names what is missing or wrong: %j', (env, message) => {
    const error = thrown(() => lambdaStoreConfig(env));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(message);
  });
});

describe('readSetting and requireSetting', () => {
  it('read one variable: undefined when unset, checked when set', () => {
    expect(readSetting({}, 'cognitoEndpoint')).toBeUndefined();
    expect(readSetting({ REWIND_COGNITO_ENDPOINT: ' http://127.0.0.1:9229 ' }, 'cognitoEndpoint')).toBe(
      'http://127.0.0.1:9229',
    );
    expect(requireSetting({ REWIND_POOL_IDS: 'us-east-1_Ab1' }, 'poolIds')).toEqual(['us-east-1_Ab1']);
    expect(() => requireSetting({}, 'poolIds')).toThrow('REWIND_POOL_IDS is not set');
    expect(() => readSetting({ REWIND_COGNITO_ENDPOINT: 'x' }, 'cognitoEndpoint')).toThrow(ConfigError);
  });
});
