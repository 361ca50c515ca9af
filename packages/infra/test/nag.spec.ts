import { App } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, inject, it } from 'vitest';
import { parseRewindConfig, type RewindConfigInput } from '../src/config/rewindConfig.js';
import { buildRewind } from '../src/rewindApp.js';
import { FULL, MINIMAL } from './synth.testing.js';

/** cdk-nag's AwsSolutions findings over every stack of a configuration, after the acknowledgements. */
function findings(input: RewindConfigInput): string[] {
  const app = new App();
  const stacks = buildRewind(app, parseRewindConfig(input), { bundleDir: inject('bundleDir'), nag: false });
  const pack = new AwsSolutionsChecks(app);
  return Object.values(stacks).flatMap((stack) =>
    pack
      .validateScope(stack)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) => `${violation.ruleName} at ${resource.resourceLogicalId}`,
        ),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  const configurations: [string, RewindConfigInput][] = [
    ['the minimal configuration', MINIMAL],
    ['every option on', FULL],
    [
      'a DR region without a customer key',
      { ...MINIMAL, drRegion: 'us-east-1', objectLock: { mode: 'GOVERNANCE', days: 7 } },
    ],
    [
      'two pools under a prefix',
      { ...MINIMAL, pools: ['eu-west-1_AAAAAAAAA', 'eu-west-1_CCCCCCCCC'], prefix: 'p' },
    ],
  ];
  it.each(configurations)('has no unacknowledged finding with %s', (_label, input) => {
    expect(findings(input)).toEqual([]);
  });

  it('still finds what is not acknowledged (the check is live)', () => {
    const app = new App();
    const stacks = buildRewind(app, parseRewindConfig(MINIMAL), {
      bundleDir: inject('bundleDir'),
      nag: false,
    });
    // A bucket without any of the protections the store's buckets have.
    new Bucket(stacks.app, 'Careless');
    const report = new AwsSolutionsChecks(app).validateScope(stacks.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining([expect.stringContaining('S1')]),
    );
  });
});
