import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RewindConfig } from './config/rewindConfig.js';
import type { RewindPermissions } from './constructs/cognitoRewind.js';
import { replicaBucketName } from './constructs/replication.js';
import { storeNames } from './constructs/storeNames.js';
import { acknowledgeNagFindings } from './nag/acknowledgements.js';
import { REWIND_PERMISSIONS } from './permissions.js';
import { AppStack } from './stacks/appStack.js';
import { ReplicaStack } from './stacks/replicaStack.js';
import { StoreStack } from './stacks/storeStack.js';

export interface RewindStacks {
  readonly store: StoreStack;
  readonly app: AppStack;
  readonly replica?: ReplicaStack;
}

export interface BuildOptions {
  /** @default the bundles shipped in `@cognito-rewind/handlers` */
  readonly bundleDir?: string;
  /** @default the code's own declared lists */
  readonly permissions?: RewindPermissions;
  /** Runs cdk-nag's AwsSolutions rules over every stack. @default true */
  readonly nag?: boolean;
}

/**
 * The whole deployment of one configuration: `<name>-Replica` in the DR region (first: the primary's
 * replication names its bucket), `<name>-Store` (bucket and table, retained, termination-protected),
 * and `<name>` (everything else, with the outputs restore-cli reads).
 */
export function buildRewind(app: App, config: RewindConfig, options: BuildOptions = {}): RewindStacks {
  const env = (region: string): Environment => ({
    region,
    ...(config.account === undefined ? {} : { account: config.account }),
  });
  const replica =
    config.drRegion === undefined
      ? undefined
      : new ReplicaStack(app, `${config.name}-Replica`, {
          env: env(config.drRegion),
          config,
          drRegion: config.drRegion,
          description: 'Cognito Rewind: the backup copy in the DR region',
          terminationProtection: true,
        });
  const store = new StoreStack(app, `${config.name}-Store`, {
    env: env(config.region),
    config,
    description: 'Cognito Rewind: the backup bucket and the change log table (retained)',
    terminationProtection: true,
  });
  if (replica !== undefined) store.addStackDependency(replica);
  const main = new AppStack(app, config.name, {
    env: env(config.region),
    config,
    permissions: options.permissions ?? REWIND_PERMISSIONS,
    description: 'Cognito Rewind: capture, snapshots, archive, reconcile, restore role and alarms',
    ...(options.bundleDir === undefined ? {} : { bundleDir: options.bundleDir }),
    ...(config.drRegion === undefined
      ? {}
      : {
          replication: {
            sourceBucket: storeNames(config).bucketName,
            destinationBucket: replicaBucketName(config, config.drRegion),
            ruleId: 'backup-to-dr',
          },
        }),
  });
  // Deployed after the store it names (no export ties them: see storeNames).
  main.addStackDependency(store);
  const stacks = { store, app: main, ...(replica === undefined ? {} : { replica }) };
  for (const stack of Object.values(stacks)) {
    Tags.of(stack).add('application', 'cognito-rewind');
    Tags.of(stack).add('cognito-rewind:deployment', config.name);
  }
  acknowledgeNagFindings({ store, app: main }, config);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}
