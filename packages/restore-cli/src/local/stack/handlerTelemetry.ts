import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * What the handlers log and count, fitted to a console: in Lambda their JSON log lines and EMF metric
 * lines go to CloudWatch; run locally they would bury everything else on the terminal. Warnings and
 * errors become one readable line each; the rest (info, metrics) is left out.
 */

/** One warning or error a handler logged: its message, and the reason it gave, if any. */
export interface HandlerProblem {
  level: 'warn' | 'error';
  handler: string;
  message: string;
  reason?: string;
  /** The SQS message it was about (capture names it), to tell the DLQ why a message failed. */
  messageId?: string;
  eventName?: string;
  poolId?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The fields of a log call: the message object's, then each extra object's; an Error or string is the reason. */
function fieldsOf(input: LogItemMessage, extra: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = typeof input === 'string' ? {} : { ...input };
  for (const item of extra) {
    if (item instanceof Error) fields.reason ??= item.message;
    else if (typeof item === 'string') fields.reason ??= item;
    else if (typeof item === 'object' && item !== null) Object.assign(fields, item);
  }
  return fields;
}

function describe(handler: string, level: HandlerProblem['level'], input: LogItemMessage, extra: unknown[]) {
  const fields = fieldsOf(input, extra);
  const problem: HandlerProblem = {
    level,
    handler,
    message: typeof input === 'string' ? input : input.message,
  };
  const error = fields.error instanceof Error ? fields.error.message : text(fields.error);
  const why = text(fields.reason) ?? error;
  if (why !== undefined) problem.reason = why;
  for (const name of ['messageId', 'eventName', 'poolId'] as const) {
    const value = text(fields[name]);
    if (value !== undefined) problem[name] = value;
  }
  return problem;
}

/** A Powertools Logger that hands warnings and errors to `sink` and drops the rest. */
export class ConsoleLogger extends Logger {
  constructor(
    private readonly handler: string,
    private readonly sink: (problem: HandlerProblem) => void,
  ) {
    super({ serviceName: `cognito-rewind-${handler}`, logLevel: 'WARN' });
  }

  override warn(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.sink(describe(this.handler, 'warn', input, extra));
  }

  override error(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.sink(describe(this.handler, 'error', input, extra));
  }
}

/** Powertools Metrics that publish nothing: no CloudWatch reads this process's stdout. */
export class DiscardedMetrics extends Metrics {
  constructor(handler: string) {
    super({ namespace: 'CognitoRewind', serviceName: `cognito-rewind-${handler}` });
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    return this;
  }
}

/**
 * The logger and metrics to give a handler. With POWERTOOLS_LOG_LEVEL set, the handlers keep their
 * own JSON logs (for someone who wants to see exactly what runs in Lambda).
 */
export function handlerTelemetry(handler: string, sink: (problem: HandlerProblem) => void) {
  const metrics = new DiscardedMetrics(handler);
  if (process.env.POWERTOOLS_LOG_LEVEL !== undefined) return { metrics };
  return { logger: new ConsoleLogger(handler, sink), metrics };
}
