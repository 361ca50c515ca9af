import {
  HANDLER_METRICS,
  HANDLER_SERVICE_NAMES,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
} from '@cognito-rewind/handlers';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../bundles.js';
import type { RewindConfig } from '../config/rewindConfig.js';
import { POOL_METRICS, poolMetric } from './poolMetrics.js';

export interface MonitoringProps {
  readonly config: RewindConfig;
  readonly functions: Readonly<Record<FunctionName, lambda.Function>>;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** With a DR region: the buckets and rule whose replication is watched. */
  readonly replication?: { sourceBucket: string; destinationBucket: string; ruleId: string };
}

/**
 * What tells an operator the backup is at risk, before a restore needs it: each alarm on one SNS
 * topic (mailed when `alarms.email` is set), and a dashboard of the same signals.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const { alarms } = config;
    this.topic = new sns.Topic(this, 'Alarms', { displayName: `${config.name} alarms`, enforceSSL: true });
    if (alarms.email !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(alarms.email));
    const action = new actions.SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      props: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric },
    ) => {
      const made = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${config.name}-${alarmId}`,
        ...props,
      });
      made.addAlarmAction(action);
      made.addOkAction(action);
      this.alarms.push(made);
      return made;
    };

    const period = Duration.minutes(5);
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, {
        metric: fn.metricErrors({ period, statistic: 'Sum' }),
        alarmDescription: `The ${name} function failed (an invocation error or a timeout): read its log group.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    // The scheduled functions catch a pool's failure and go on with the others, so their invocations
    // succeed: a pool that fails every run (its archive, snapshot or reconcile) shows only here.
    for (const name of ['snapshot', 'archive', 'reconcile'] as const)
      alarm(`${name}-pool-failures`, {
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: HANDLER_METRICS[name].PoolsFailed.name,
          dimensionsMap: { [METRIC_DIMENSIONS.service]: HANDLER_SERVICE_NAMES[name] },
          period: Duration.hours(1),
          statistic: 'Sum',
        }),
        alarmDescription: `The ${name} function failed for a pool in each of its runs for 2 hours: its log group names the pool and the cause.`,
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm('dead-letters', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      }),
      alarmDescription:
        'Events capture gave up on are waiting in the dead-letter queue: fix the cause, then redrive them (docs/deploying.md).',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('capture-lag', {
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      alarmDescription: `The oldest event waiting for capture is older than ${alarms.captureLagMinutes} minutes: the recovery point is falling behind.`,
      threshold: alarms.captureLagMinutes * 60,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const hour = Duration.hours(1);
    for (const pool of config.pools) {
      // A snapshot is written only when something changed: its age alone grows in a quiet pool. What
      // puts the recovery point at risk is a change recorded after the newest snapshot that no
      // snapshot has taken up for too long: the snapshot's age while the last change is younger.
      const snapshotAge = poolMetric(POOL_METRICS.snapshotAge, pool, { period: hour, statistic: 'Maximum' });
      const lastChangeAge = poolMetric(POOL_METRICS.lastChangeAge, pool, {
        period: hour,
        statistic: 'Maximum',
      });
      alarm(`snapshot-behind-${pool}`, {
        metric: new cloudwatch.MathExpression({
          expression: 'IF(change < snapshot, snapshot, 0)',
          usingMetrics: { snapshot: snapshotAge, change: lastChangeAge },
          period: hour,
          label: `${pool}: age of the newest snapshot with changes after it (s)`,
        }),
        alarmDescription: `Pool ${pool} has changes no snapshot has taken up for ${alarms.maxSnapshotAgeHours} hours, or the snapshot function stopped reporting: the recovery point is at risk.`,
        threshold: alarms.maxSnapshotAgeHours * 3600,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No figure at all means the snapshot function is not running for this pool.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      if (alarms.maxQuietHours > 0)
        alarm(`no-changes-${pool}`, {
          metric: poolMetric(POOL_METRICS.lastChangeAge, pool, { period: hour, statistic: 'Maximum' }),
          alarmDescription: `Pool ${pool} has had no change record for ${alarms.maxQuietHours} hours: a stopped trail or rule looks the same as a quiet pool, check which.`,
          threshold: alarms.maxQuietHours * 3600,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        });
      alarm(`drift-${pool}`, {
        metric: poolMetric(POOL_METRICS.drift, pool, { period: hour, statistic: 'Sum' }),
        alarmDescription: `Reconcile of pool ${pool} found changes no event explained: events are being missed (trail, rule or capture).`,
        threshold: alarms.driftRecords,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const replication = props.replication;
    const replicationMetric = (metricName: string, statistic: string) =>
      replication === undefined
        ? undefined
        : new cloudwatch.Metric({
            namespace: 'AWS/S3',
            metricName,
            dimensionsMap: {
              SourceBucket: replication.sourceBucket,
              DestinationBucket: replication.destinationBucket,
              RuleId: replication.ruleId,
            },
            period,
            statistic,
          });
    const latency = replicationMetric('ReplicationLatency', 'Maximum');
    const failed = replicationMetric('OperationsFailedReplication', 'Sum');
    if (latency !== undefined && failed !== undefined) {
      alarm('replication-lag', {
        metric: latency,
        alarmDescription: `Objects reach the DR region more than ${alarms.replicationLagMinutes} minutes late.`,
        threshold: alarms.replicationLagMinutes * 60,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm('replication-failed', {
        metric: failed,
        alarmDescription: 'Objects failed to replicate to the DR region: the copy there is incomplete.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: config.name,
      defaultInterval: Duration.days(1),
    });
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: fns.map(([name, fn]) => fn.metricErrors({ period, label: name })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Capture queue',
        left: [props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'waiting' })],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period, label: 'oldest (s)' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Snapshot age per pool (s)',
        left: config.pools.map((pool) =>
          poolMetric(POOL_METRICS.snapshotAge, pool, { period: hour, statistic: 'Maximum', label: pool }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Last change age per pool (s)',
        left: config.pools.map((pool) =>
          poolMetric(POOL_METRICS.lastChangeAge, pool, { period: hour, statistic: 'Maximum', label: pool }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Drift records per pool',
        left: config.pools.map((pool) =>
          poolMetric(POOL_METRICS.drift, pool, { period: hour, statistic: 'Sum', label: pool }),
        ),
        width: 12,
      }),
      ...(latency === undefined
        ? []
        : [new cloudwatch.GraphWidget({ title: 'Replication latency (s)', left: [latency], width: 12 })]),
    );
  }
}
