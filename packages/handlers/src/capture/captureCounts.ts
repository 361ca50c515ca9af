import type { CaptureOutcome } from '@cognito-rewind/core';
import { HANDLER_METRICS, type MetricDefinition } from '../commons/metricNames.js';

/** What one batch did, summed over its records: logged per batch and published as metrics. */
export interface CaptureCounts {
  /** Events captured (not ignored), whether or not they changed anything. */
  eventsCaptured: number;
  /** Events that change nothing capture records (read-only or failed calls, uncatalogued names). */
  eventsIgnored: number;
  /** Records that failed: malformed, throttled, or any other error. SQS delivers them again. */
  eventsFailed: number;
  recordsAppended: number;
  /** Entities that already held a record of the event: a redelivery, nothing stored. */
  duplicates: number;
  /** Entities whose re-read showed nothing new (most redeliveries) or was older than the log. */
  unchanged: number;
  /** Things capture could not re-read alone, handed to reconcile. */
  forReconcile: number;
}

export const noCounts = (): CaptureCounts => ({
  eventsCaptured: 0,
  eventsIgnored: 0,
  eventsFailed: 0,
  recordsAppended: 0,
  duplicates: 0,
  unchanged: 0,
  forReconcile: 0,
});

export function countOutcome(counts: CaptureCounts, outcome: CaptureOutcome): void {
  if (outcome.ignored === undefined) counts.eventsCaptured += 1;
  else counts.eventsIgnored += 1;
  counts.recordsAppended += outcome.appended.length;
  counts.duplicates += outcome.duplicates.length;
  counts.unchanged += outcome.unchanged.length;
  counts.forReconcile += outcome.forReconcile.length;
}

const names = HANDLER_METRICS.capture;

/** The counts as their CloudWatch metrics. */
export const captureMetrics = (counts: CaptureCounts): [MetricDefinition, number][] => [
  [names.EventsCaptured, counts.eventsCaptured],
  [names.EventsIgnored, counts.eventsIgnored],
  [names.EventsFailed, counts.eventsFailed],
  [names.RecordsAppended, counts.recordsAppended],
  [names.Duplicates, counts.duplicates],
  [names.Unchanged, counts.unchanged],
  [names.ForReconcile, counts.forReconcile],
];
