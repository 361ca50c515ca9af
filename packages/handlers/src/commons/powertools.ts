import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every handler's metrics, unless POWERTOOLS_METRICS_NAMESPACE names another. */
export const METRICS_NAMESPACE = 'CognitoRewind';

// Powertools prefers a constructor option over its environment variable, so the defaults below are
// given only when the variable is absent: a deployment can still rename the service or namespace.
const serviceName = (handler: string) => process.env.POWERTOOLS_SERVICE_NAME ?? `cognito-rewind-${handler}`;

/** The logger a handler makes when it is given none (level from POWERTOOLS_LOG_LEVEL, default INFO). */
export function defaultLogger(handler: string): Logger {
  return new Logger({ serviceName: serviceName(handler) });
}

/** The metrics a handler makes when it is given none: EMF lines on stdout, which CloudWatch parses. */
export function defaultMetrics(handler: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: serviceName(handler),
  });
}

/**
 * Adds one count per name and flushes them. Zeros are published too: an alarm on, say, failed events
 * then sees a continuous series instead of gaps it would have to treat as missing data.
 */
export function publishCounts(metrics: Metrics, counts: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}
