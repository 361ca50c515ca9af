import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

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

/** Powertools Metrics that keep each flush (metric name → value) instead of printing EMF. */
export class RecordingMetrics extends Metrics {
  readonly published: Record<string, unknown>[] = [];

  constructor() {
    super({ namespace: 'CognitoRewindTest', serviceName: 'test' });
  }

  override publishStoredMetrics(): this {
    const emf = this.serializeMetrics();
    const names = emf._aws.CloudWatchMetrics.flatMap((group) => group.Metrics.map((m) => m.Name));
    this.published.push(Object.fromEntries(names.map((name) => [name, emf[name]])));
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}
