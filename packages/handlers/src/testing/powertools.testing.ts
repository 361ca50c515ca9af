import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_DIMENSIONS } from '../commons/metricNames.js';

/** One log line as Powertools would print it, parsed back. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

/**
 * A Powertools Logger that keeps its lines instead of printing them: everything up to the JSON text
 * is Powertools' own code, so tests assert on what CloudWatch would receive.
 */
export class RecordingLogger extends Logger {
  readonly lines: LogLine[] = [];

  constructor() {
    super({ serviceName: 'test', logLevel: 'DEBUG' });
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.lines.push(JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as LogLine);
  }

  /** Every line as JSON text: what a test searches for things that must never be logged. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

/** A flush under dimensions of its own (a per-pool one), as the EMF line holds it. */
export interface DimensionedFlush {
  /** Every dimension of the line's dimension set, `service` included, with its value. */
  dimensions: Record<string, unknown>;
  /** Metric name → value. */
  values: Record<string, unknown>;
  /** Metric name → unit. */
  units: Record<string, string | undefined>;
}

/**
 * Powertools Metrics that keep each flush instead of printing EMF: a flush under the default
 * dimensions only (the aggregate counts) in `published` (metric name → value), one that added
 * dimensions (a pool's) in `dimensioned`, with them.
 */
export class RecordingMetrics extends Metrics {
  readonly published: Record<string, unknown>[] = [];
  readonly dimensioned: DimensionedFlush[] = [];

  constructor() {
    super({ namespace: 'CognitoRewindTest', serviceName: 'test' });
  }

  /** The flushes under one pool's `PoolId`, in order. */
  ofPool(poolId: string): DimensionedFlush[] {
    return this.dimensioned.filter((flush) => flush.dimensions[METRIC_DIMENSIONS.poolId] === poolId);
  }

  override publishStoredMetrics(): this {
    const emf = this.serializeMetrics();
    const groups = emf._aws.CloudWatchMetrics;
    const names = groups.flatMap((group) => group.Metrics.map((m) => m.Name));
    const values = Object.fromEntries(names.map((name) => [name, emf[name]]));
    const dimensionNames = [...new Set(groups.flatMap((group) => group.Dimensions.flat()))];
    if (dimensionNames.some((name) => name !== 'service'))
      this.dimensioned.push({
        dimensions: Object.fromEntries(dimensionNames.map((name) => [name, emf[name]])),
        values,
        units: Object.fromEntries(groups.flatMap((group) => group.Metrics.map((m) => [m.Name, m.Unit]))),
      });
    else this.published.push(values);
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}
