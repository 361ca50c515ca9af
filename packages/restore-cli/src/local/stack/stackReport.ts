import type { ChangeRecord } from '@cognito-rewind/core';
import type {
  ArchiveRunResult,
  PoolFailure,
  PoolReconcile,
  ReconcileRunResult,
  SnapshotRunResult,
} from '@cognito-rewind/handlers';
import type { DeliveredMessage } from './localQueueOptions.js';

/** One console line per thing the local stack did; the words say what the handler did and why. */

const failed = (pool: PoolFailure) => `${pool.poolId}: failed (${pool.error}): ${pool.reason}`;

/** An idle pool's skipped snapshot is not news (the handler's logger already says any warning). */
export function describeSnapshots({ pools }: SnapshotRunResult): string[] {
  return pools.flatMap((pool) => {
    if (pool.outcome === 'failed') return [`snapshot   ${failed(pool)}`];
    if (pool.outcome === 'unchanged') return [];
    if (pool.outcome === 'firstRead')
      return [
        `snapshot   ${pool.poolId}: first full read, ${pool.records} baseline record(s), snapshot ${pool.snapshotId}`,
      ];
    return [
      `snapshot   ${pool.poolId}: compacted ${pool.base} + change log → ${pool.snapshotId} (no Cognito calls)`,
    ];
  });
}

/** Only pools where something happened: an archive run with nothing new is not news. */
export function describeArchives({ pools }: ArchiveRunResult): string[] {
  return pools.flatMap((pool) => {
    if (pool.outcome === 'failed') return [`archive    ${failed(pool)}`];
    if (pool.segments.length === 0) return [];
    return [
      `archive    ${pool.poolId}: ${pool.records} record(s) to ${pool.segments.length} delta segment(s)`,
    ];
  });
}

function describeReconcile(pool: Exclude<PoolReconcile, { outcome: 'notDue' | 'deferred' }>): string {
  const { drift, baselines, deletes, stale } = pool.counts;
  const how =
    pool.outcome === 'finished'
      ? ''
      : pool.outcome === 'superseded'
        ? ` (stopped: ${pool.superseded}; the next run continues)`
        : ' (paused at a checkpoint; the next run continues)';
  return `reconcile  ${pool.poolId}: drift ${drift}, baselines ${baselines}, deletes ${deletes}, stale ${stale}, ${pool.pages} page(s)${how}`;
}

/** Pools the reconcile handler read; those not due are not news. */
export function describeReconciles({ pools }: ReconcileRunResult): string[] {
  return pools.flatMap((pool) => {
    if (pool.outcome === 'failed') return [`reconcile  ${failed(pool)}`];
    if (pool.outcome === 'notDue') return [];
    if (pool.outcome === 'deferred') return [`reconcile  ${pool.poolId}: due, deferred to the next check`];
    return [describeReconcile(pool)];
  });
}

interface EventFacts {
  eventName: string;
  eventId: string;
  poolId: string;
}

function factsOf(body: string): EventFacts | undefined {
  try {
    const detail = (JSON.parse(body) as { detail?: Record<string, unknown> }).detail ?? {};
    const params = (detail.requestParameters ?? {}) as Record<string, unknown>;
    return {
      eventName: String(detail.eventName ?? '?'),
      eventId: String(detail.eventID ?? ''),
      poolId: typeof params.userPoolId === 'string' ? params.userPoolId : '',
    };
  } catch {
    return undefined;
  }
}

function outcomeText(message: DeliveredMessage, records: readonly ChangeRecord[]): string {
  if (message.outcome === 'retry') return `failed on receive ${message.receiveCount}, delivered again later`;
  if (message.outcome === 'deadLetter')
    return `failed on receive ${message.receiveCount}, moved to the dead letters`;
  if (records.length === 0) return 'nothing new';
  return records.map((r) => `${r.entity} v${r.version}${r.after === null ? ' (deleted)' : ''}`).join(', ');
}

/** A line per event of a delivered batch: what capture appended for it, by entity and version. */
export function describeCaptures(
  messages: readonly DeliveredMessage[],
  appended: readonly ChangeRecord[],
): string[] {
  return messages.map((message) => {
    const facts = factsOf(message.body);
    if (facts === undefined) return 'capture    a message that is not JSON';
    const records = appended.filter((r) => r.event?.eventId === facts.eventId);
    const pool = records[0]?.poolId ?? facts.poolId;
    return `capture    ${facts.eventName}${pool === '' ? '' : ` on ${pool}`}: ${outcomeText(message, records)}`;
  });
}
