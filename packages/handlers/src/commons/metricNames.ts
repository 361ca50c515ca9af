/**
 * Every CloudWatch metric the handlers publish, in one table: the handlers publish by these names, and
 * the CDK app's alarms and dashboard reference them from here, so a name is never typed twice. Plain
 * data (one type import): whoever reads it (the infra) loads nothing else through this module.
 */
import type { FunctionName } from './functionNames.js';

/** CloudWatch namespace of every handler's metrics, unless POWERTOOLS_METRICS_NAMESPACE names another. */
export const METRICS_NAMESPACE = 'CognitoRewind';

/** The dimension names metrics are published under. */
export const METRIC_DIMENSIONS = {
  /** Powertools' default dimension on every metric: the service name (`HANDLER_SERVICE_NAMES`). */
  service: 'service',
  /** The user pool a per-pool metric is about (`us-east-1_AbC123`). */
  poolId: 'PoolId',
} as const;

/**
 * The `service` dimension's value per handler, unless POWERTOOLS_SERVICE_NAME gives the function
 * another (then that value is the dimension's, for every metric of the function).
 */
export const HANDLER_SERVICE_NAMES: Readonly<Record<FunctionName, string>> = {
  capture: 'cognito-rewind-capture',
  snapshot: 'cognito-rewind-snapshot',
  archive: 'cognito-rewind-archive',
  reconcile: 'cognito-rewind-reconcile',
};

/** Units as CloudWatch (and Powertools' `MetricUnit`, and CDK's `Unit`) spell them. */
export type MetricUnitName = 'Count' | 'Seconds';

/** One metric: its name, unit, and the dimensions it is published under (all of them, together). */
export interface MetricDefinition<N extends string = string> {
  readonly name: N;
  readonly unit: MetricUnitName;
  readonly dimensions: readonly string[];
}

const aggregate = <N extends string>(name: N, unit: MetricUnitName = 'Count'): MetricDefinition<N> => ({
  name,
  unit,
  dimensions: [METRIC_DIMENSIONS.service],
});

const perPool = <N extends string>(name: N, unit: MetricUnitName = 'Count'): MetricDefinition<N> => ({
  name,
  unit,
  dimensions: [METRIC_DIMENSIONS.service, METRIC_DIMENSIONS.poolId],
});

/**
 * What each handler publishes, keyed by metric name (the per-pool `DriftRecords` by `PoolDriftRecords`,
 * as one object cannot hold a key twice). A name under two handlers (`PoolsFailed`) is two
 * metrics in CloudWatch, told apart by `service`; a name both aggregate and per pool (`DriftRecords`)
 * is two as well, told apart by the `PoolId` dimension (see the package README for what each means).
 */
export const HANDLER_METRICS = {
  capture: {
    EventsCaptured: aggregate('EventsCaptured'),
    EventsIgnored: aggregate('EventsIgnored'),
    EventsFailed: aggregate('EventsFailed'),
    RecordsAppended: aggregate('RecordsAppended'),
    Duplicates: aggregate('Duplicates'),
    Unchanged: aggregate('Unchanged'),
    ForReconcile: aggregate('ForReconcile'),
  },
  snapshot: {
    PoolsCompacted: aggregate('PoolsCompacted'),
    PoolsUnchanged: aggregate('PoolsUnchanged'),
    PoolsFirstRead: aggregate('PoolsFirstRead'),
    PoolsFailed: aggregate('PoolsFailed'),
    /** Pools whose freshness (the two ages below) could not be computed in this run. */
    FreshnessFailed: aggregate('FreshnessFailed'),
    SnapshotAgeSeconds: perPool('SnapshotAgeSeconds', 'Seconds'),
    LastChangeAgeSeconds: perPool('LastChangeAgeSeconds', 'Seconds'),
  },
  archive: {
    RecordsArchived: aggregate('RecordsArchived'),
    SegmentsWritten: aggregate('SegmentsWritten'),
    PoolsFailed: aggregate('PoolsFailed'),
  },
  reconcile: {
    PoolsReconciled: aggregate('PoolsReconciled'),
    PoolsPaused: aggregate('PoolsPaused'),
    PoolsDeferred: aggregate('PoolsDeferred'),
    PoolsFailed: aggregate('PoolsFailed'),
    DriftRecords: aggregate('DriftRecords'),
    /** The same count for one pool (its reconcile read something in this invocation). */
    PoolDriftRecords: perPool('DriftRecords'),
  },
} as const satisfies Record<FunctionName, Record<string, MetricDefinition>>;
