import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { defaultBundleDir, FUNCTION_NAMES, type FunctionName } from '../bundles.js';
import type { RewindConfig } from '../config/rewindConfig.js';
import { BurstAlarm } from './burstAlarm.js';
import { CAPTURE_PACING, Capture } from './capture.js';
import { type ServiceActions, storeStatements } from './grants.js';
import { Monitoring } from './monitoring.js';
import { RestoreRole } from './restoreRole.js';
import { RewindFunction } from './rewindFunction.js';
import type { StoreRefs } from './storeRefs.js';

/** What each function and a restore may do: the handlers' and core's declared, tested lists. */
export interface RewindPermissions {
  readonly functions: Readonly<Record<FunctionName, ServiceActions>>;
  readonly restore: ServiceActions & { readonly createPool: readonly string[] };
}

export interface CognitoRewindProps {
  readonly config: RewindConfig;
  readonly store: StoreRefs;
  readonly permissions: RewindPermissions;
  /** @default the bundles shipped in `@cognito-rewind/handlers` */
  readonly bundleDir?: string;
  /** With a DR region: what the replication alarms watch. */
  readonly replication?: { sourceBucket: string; destinationBucket: string; ruleId: string };
}

/** Each scheduled function: how often, how long it may run, how much memory. */
const SCHEDULED = {
  snapshot: { every: (c: RewindConfig) => c.schedules.snapshotMinutes, timeout: 15, memory: 1024 },
  archive: { every: (c: RewindConfig) => c.schedules.archiveMinutes, timeout: 10, memory: 1024 },
  // The handler reads each pool when due and stops a minute before its timeout, checkpointed.
  reconcile: { every: (c: RewindConfig) => c.schedules.reconcileMinutes, timeout: 15, memory: 1024 },
} as const;

/**
 * Cognito Rewind beside a store: capture (trail, rules, queue, function), the three scheduled
 * functions, the restore role and the alarms. A team with its own CDK app puts this construct in
 * any stack and hands it the bucket and table (`StoreStack` makes them as this app deploys them).
 */
export class CognitoRewind extends Construct {
  readonly functions: Record<FunctionName, lambda.Function>;
  readonly capture: Capture;
  readonly restoreRole: iam.Role;
  readonly monitoring: Monitoring;
  readonly burstAlarm: BurstAlarm;

  constructor(scope: Construct, id: string, props: CognitoRewindProps) {
    super(scope, id);
    const { config, store, permissions } = props;
    const stack = Stack.of(this);
    const bundleDir = props.bundleDir ?? defaultBundleDir();
    this.capture = new Capture(this, 'Capture', { config });

    const make = (name: FunctionName, timeout: Duration, memorySize: number, more: object = {}) =>
      new RewindFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}Function`, {
        name,
        config,
        store,
        bundleDir,
        timeout,
        memorySize,
        ...more,
      }).fn;
    const functions = {
      capture: make('capture', CAPTURE_PACING.timeout, 512),
    } as Record<FunctionName, lambda.Function>;
    for (const name of ['snapshot', 'archive', 'reconcile'] as const) {
      const { every, timeout, memory } = SCHEDULED[name];
      const fn = make(name, Duration.minutes(timeout), memory, {
        reservedConcurrency: 1,
        ...(name === 'reconcile'
          ? { environment: { REWIND_RECONCILE_EVERY_HOURS: String(config.schedules.reconcileEveryHours) } }
          : {}),
      });
      new events.Rule(this, `${name}-schedule`, {
        description: `Runs the Cognito Rewind ${name} function`,
        schedule: events.Schedule.rate(Duration.minutes(every(config))),
        // A missed tick is made up by the next one: no retries piling onto a run still under way.
        targets: [
          new targets.LambdaFunction(fn, { retryAttempts: 0, maxEventAge: Duration.minutes(every(config)) }),
        ],
      });
      functions[name] = fn;
    }
    for (const name of FUNCTION_NAMES)
      for (const statement of storeStatements(stack, config, store, permissions.functions[name]))
        functions[name].addToRolePolicy(statement);
    this.capture.attach(functions.capture);
    this.functions = functions;

    this.restoreRole = new RestoreRole(this, 'Restore', {
      config,
      store,
      actions: permissions.restore,
      createPool: permissions.restore.createPool,
    }).role;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      functions,
      queue: this.capture.queue,
      deadLetterQueue: this.capture.deadLetterQueue,
      ...(props.replication === undefined ? {} : { replication: props.replication }),
    });
    this.burstAlarm = new BurstAlarm(this, 'BurstAlarm', { config, topic: this.monitoring.topic });
  }
}
