import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { FunctionName } from '../bundles.js';
import { POWERTOOLS_NAMESPACE, serviceName } from './rewindFunction.js';

/** The per-pool figures the handlers publish (see the handlers' README), and who publishes each. */
export const POOL_METRICS = {
  snapshotAge: { name: 'SnapshotAgeSeconds', by: 'snapshot' },
  lastChangeAge: { name: 'LastChangeAgeSeconds', by: 'snapshot' },
  drift: { name: 'DriftRecords', by: 'reconcile' },
} as const satisfies Record<string, { name: string; by: FunctionName }>;

export type PoolMetric = (typeof POOL_METRICS)[keyof typeof POOL_METRICS];

/**
 * One pool's figure, with the exact dimensions Powertools publishes it under (its `service`, set
 * by the function's POWERTOOLS_SERVICE_NAME, and `PoolId`): CloudWatch matches dimension sets whole.
 */
export function poolMetric(metric: PoolMetric, pool: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: POWERTOOLS_NAMESPACE,
    metricName: metric.name,
    dimensionsMap: { service: serviceName(metric.by), PoolId: pool },
    ...options,
  });
}
