import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRewindConfig, RewindConfigError } from './rewindConfig.js';

const base = { region: 'eu-west-1', pools: ['eu-west-1_AAAAAAAAA'] };
const key = (region: string) => `arn:aws:kms:${region}:123456789012:key/11111111-2222-3333-4444-555555555555`;

describe('the deployment configuration', () => {
  it('fills every default from a region and a pool', () => {
    const config = parseRewindConfig(base);
    expect(config).toMatchObject({
      name: 'CognitoRewind',
      trail: 'create',
      retention: { snapshotsDays: 400, segmentsDays: 400, noncurrentVersionsDays: 30, eventArchiveDays: 35 },
      schedules: { snapshotMinutes: 60, archiveMinutes: 15, reconcileMinutes: 5, reconcileEveryHours: 24 },
      alarms: { maxSnapshotAgeHours: 3, maxQuietHours: 48, captureLagMinutes: 15 },
      restoreRole: { requireMfa: true, allowCreatePool: false },
    });
    expect(config.drRegion).toBeUndefined();
    expect(config.objectLock).toBeUndefined();
  });

  it('accepts the example shipped beside the app', () => {
    const example = JSON.parse(
      readFileSync(new URL('../../rewind.config.example.json', import.meta.url), 'utf8'),
    );
    expect(parseRewindConfig(example).drRegion).toBe('eu-central-1');
  });

  const refused: [string, unknown, RegExp][] = [
    ['no pools', { region: 'eu-west-1', pools: [] }, /pools must name at least one user pool/],
    [
      'a pool id that is not one',
      { ...base, pools: ['my-pool'] },
      /pools\[0\] is not a Cognito user pool id/,
    ],
    [
      'a pool in another region',
      { ...base, pools: ['us-east-1_AAAAAAAAA'] },
      /pools\[0\] us-east-1_AAAAAAAAA is in us-east-1, not in the deployment's region eu-west-1/,
    ],
    [
      'a pool twice',
      { ...base, pools: ['eu-west-1_AAAAAAAAA', 'eu-west-1_AAAAAAAAA'] },
      /pools names a pool twice/,
    ],
    ['a region that is not one', { ...base, region: 'Ireland' }, /region is not an AWS region name/],
    [
      'the DR region equal to the region',
      { ...base, drRegion: 'eu-west-1' },
      /drRegion must differ from region/,
    ],
    [
      'a key from another region',
      { ...base, kmsKeyArn: key('us-east-1') },
      /kmsKeyArn must be a key in eu-west-1/,
    ],
    ['a key that is not an ARN', { ...base, kmsKeyArn: 'alias/backup' }, /kmsKeyArn is not a KMS key ARN/],
    [
      'a customer key and a DR region without a DR key',
      { ...base, kmsKeyArn: key('eu-west-1'), drRegion: 'eu-central-1' },
      /drKmsKeyArn is needed with kmsKeyArn and drRegion/,
    ],
    [
      'a DR key without a DR region',
      { ...base, drKmsKeyArn: key('eu-central-1') },
      /drKmsKeyArn is given without drRegion/,
    ],
    [
      'a retention shorter than the lock',
      { ...base, objectLock: { mode: 'GOVERNANCE', days: 500 } },
      /retention\.snapshotsDays is shorter than objectLock\.days \(500\)/,
    ],
    ['an unknown lock mode', { ...base, objectLock: { mode: 'FOREVER', days: 5 } }, /objectLock\.mode/],
    ['an unknown field', { ...base, pool: 'x' }, /the configuration: unrecognized key: "pool"/],
    ['a misspelled nested field', { ...base, alarms: { mail: 'a@b.c' } }, /alarms/],
    ['an email that is not one', { ...base, alarms: { email: 'oncall' } }, /alarms\.email/],
    ['a schedule too frequent', { ...base, schedules: { snapshotMinutes: 1 } }, /schedules\.snapshotMinutes/],
    [
      'a log retention CloudWatch does not offer',
      { ...base, retention: { logDays: 10 } },
      /retention\.logDays/,
    ],
    [
      'a trail that is not a trail ARN',
      { ...base, trail: { existingTrailArn: 'org-trail' } },
      /trail.*is not a CloudTrail trail ARN|trail/,
    ],
    ['a stack name CloudFormation refuses', { ...base, name: '1st_rewind' }, /name must start with a letter/],
    [
      'a principal that is not one',
      { ...base, restoreRole: { trustedPrincipalArns: ['alice'] } },
      /restoreRole\.trustedPrincipalArns\[0\] is not an IAM principal ARN/,
    ],
    ['a prefix with a leading slash', { ...base, prefix: '/backups' }, /prefix must be a key prefix/],
  ];
  it.each(refused)('refuses %s with one sentence naming the field', (_what, input, message) => {
    expect(() => parseRewindConfig(input, 'rewind.config.json')).toThrow(RewindConfigError);
    expect(() => parseRewindConfig(input, 'rewind.config.json')).toThrow(message);
    try {
      parseRewindConfig(input, 'rewind.config.json');
    } catch (error) {
      expect((error as Error).message).toMatch(/^rewind\.config\.json: .+\.$/);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
