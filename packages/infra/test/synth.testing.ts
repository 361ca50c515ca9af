import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { parseRewindConfig, type RewindConfig, type RewindConfigInput } from '../src/config/rewindConfig.js';
import { buildRewind, type RewindStacks } from '../src/rewindApp.js';

/** The smallest valid configuration: one pool, everything else by default. */
export const MINIMAL: RewindConfigInput = { region: 'eu-west-1', pools: ['eu-west-1_AAAAAAAAA'] };

/** Every option on: two pools, a customer key, a DR region with its key, Object Lock, an existing trail. */
export const FULL: RewindConfigInput = {
  name: 'Rewind',
  account: '123456789012',
  region: 'eu-west-1',
  pools: ['eu-west-1_AAAAAAAAA', 'eu-west-1_BBBBBBBBB'],
  prefix: 'backups/prod',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  drRegion: 'eu-central-1',
  drKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/66666666-7777-8888-9999-000000000000',
  objectLock: { mode: 'COMPLIANCE', days: 30 },
  trail: { existingTrailArn: 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail' },
  alarms: { email: 'oncall@example.com' },
  restoreRole: { allowCreatePool: true, trustedPrincipalArns: ['arn:aws:iam::123456789012:role/BreakGlass'] },
};

export interface Synthesized {
  config: RewindConfig;
  stacks: RewindStacks;
  store: Template;
  app: Template;
  replica: Template | undefined;
}

/** Builds and synthesizes the app for a configuration, with the test run's bundles. */
export function synth(
  input: RewindConfigInput,
  options: { nag?: boolean; outdir?: string } = {},
): Synthesized {
  const config = parseRewindConfig(input);
  const app = new App(options.outdir === undefined ? {} : { outdir: options.outdir });
  const stacks = buildRewind(app, config, { bundleDir: inject('bundleDir'), nag: options.nag ?? false });
  return {
    config,
    stacks,
    store: Template.fromStack(stacks.store),
    app: Template.fromStack(stacks.app),
    replica: stacks.replica === undefined ? undefined : Template.fromStack(stacks.replica),
  };
}
