import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { FunctionName } from './functionNames.js';
import {
  HANDLER_SERVICE_NAMES,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  type MetricDefinition,
} from './metricNames.js';

export { METRICS_NAMESPACE };

// Powertools prefers a constructor option over its environment variable, so the defaults below are
// given only when the variable is absent: a deployment can still rename the service or namespace.
const serviceName = (handler: FunctionName) =>
  process.env.POWERTOOLS_SERVICE_NAME ?? HANDLER_SERVICE_NAMES[handler];

/** The logger a handler makes when it is given none (level from POWERTOOLS_LOG_LEVEL, default INFO). */
export function defaultLogger(handler: FunctionName): Logger {
  return new Logger({ serviceName: serviceName(handler) });
}

/** The metrics a handler makes when it is given none: EMF lines on stdout, which CloudWatch parses. */
export function defaultMetrics(handler: FunctionName): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: serviceName(handler),
  });
}

/**
 * Adds one count per metric and flushes them. Zeros are published too: an alarm on, say, failed events
 * then sees a continuous series instead of gaps it would have to treat as missing data.
 */
export function publishCounts(
  metrics: Metrics,
  counts: readonly (readonly [MetricDefinition, number])[],
): void {
  for (const [metric, value] of counts) metrics.addMetric(metric.name, metric.unit, value);
  metrics.publishStoredMetrics();
}

/**
 * Publishes one pool's values under the `PoolId` dimension, as one EMF line of their own. An EMF line
 * holds one value per dimension, so each pool is a flush of its own: `addDimension` lasts until the
 * flush, which clears it. The handler's own instance flushes (not a `singleMetric()` copy, a plain
 * `Metrics`), so whatever a caller's subclass does with a flush — a test keeping it, the CLI's local
 * stack discarding it — it does with these too. Call it with no other metric stored.
 */
export function publishPoolMetrics(
  metrics: Metrics,
  poolId: string,
  values: readonly (readonly [MetricDefinition, number])[],
): void {
  if (values.length === 0) return;
  metrics.addDimension(METRIC_DIMENSIONS.poolId, poolId);
  for (const [metric, value] of values) metrics.addMetric(metric.name, metric.unit, value);
  metrics.publishStoredMetrics();
}
