import { describe, expect, it } from 'vitest';
import { isPoolId, POOL_ARN_PATTERN, poolIdSchema } from './poolId.js';

describe('pool ids', () => {
  it.each(['us-east-1_Ab12Cd34E', 'local_2hzLzy1s', 'eu-central-2_x'])('%s is one', (id) => {
    expect(isPoolId(id)).toBe(true);
    expect(poolIdSchema.parse(id)).toBe(id);
  });

  it.each(['', 'us-east-1', '_Ab12', 'us-east-1_Ab-12', '../etc', 'us-east-1_Ab12/x', 42])(
    '%j is not',
    (id) => {
      expect(isPoolId(id)).toBe(false);
    },
  );

  it('finds the pool id in a pool ARN', () => {
    const arn = 'arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_Ab12';
    expect(POOL_ARN_PATTERN.exec(arn)?.[1]).toBe('eu-west-1_Ab12');
    expect(POOL_ARN_PATTERN.test('arn:aws:cognito-idp:eu-west-1:111122223333:userpool/../x')).toBe(false);
  });

  it('says what a pool id looks like, and caps its length', () => {
    expect(poolIdSchema.safeParse('nope').error?.issues[0]?.message).toBe(
      'a user pool id looks like us-east-1_AbCdEf123',
    );
    expect(poolIdSchema.safeParse(`us-east-1_${'a'.repeat(50)}`).success).toBe(false);
  });
});
