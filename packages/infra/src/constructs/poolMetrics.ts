import {
  HANDLER_METRICS,
  HANDLER_SERVICE_NAMES,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
} from '@cognito-rewind/handlers';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { FunctionName } from '../bundles.js';

/** The per-pool figures the handlers publish (the handlers' `HANDLER_METRICS`), and who publishes each. */
export const POOL_METRICS = {
  snapshotAge: { name: HANDLER_METRICS.snapshot.SnapshotAgeSeconds.name, by: 'snapshot' },
  lastChangeAge: { name: HANDLER_METRICS.snapshot.LastChangeAgeSeconds.name, by: 'snapshot' },
  drift: { name: HANDLER_METRICS.reconcile.PoolDriftRecords.name, by: 'reconcile' },
} as const satisfies Record<string, { name: string; by: FunctionName }>;

export type PoolMetric = (typeof POOL_METRICS)[keyof typeof POOL_METRICS];

/**
 * One pool's figure, with the exact dimensions Powertools publishes it under (its `service`, which
 * the function's POWERTOOLS_SERVICE_NAME sets, and `PoolId`): CloudWatch matches dimension sets whole.
 */
export function poolMetric(
  metric: PoolMetric,
  pool: string,
  options: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: metric.name,
    dimensionsMap: {
      [METRIC_DIMENSIONS.service]: HANDLER_SERVICE_NAMES[metric.by],
      [METRIC_DIMENSIONS.poolId]: pool,
    },
    ...options,
  });
}
