/**
 * Idempotency by CloudTrail event id, without transactions (dynalite has none, and one conditional
 * put per item is cheaper anyway).
 *
 * Before a record with an event id is put, its writer puts a guard item for (pool, entity, eventId)
 * naming the version and id it is about to write. The guard and the record are two writes, so a guard
 * can exist without its record: the writer crashed between them, lost the version race, or is simply
 * still in flight. One rule tells these apart:
 *
 * - the slot (version) the guard names holds the guard's record → the event is stored: `duplicate`;
 * - the slot holds another record → the guard's writer can never land there (puts are conditional on
 *   the slot being empty), so the guard is dead and we take it over;
 * - the slot is empty → its writer may still land there. We take the guard over only to contest that
 *   same slot (our version equals it): DynamoDB's conditional put lets exactly one of us land, and the
 *   loser sees the winner carries the event (`settleLostRace`). A writer whose head is behind the
 *   guard's gets `VersionConflictError` and re-reads its head.
 *
 * Taking over is a conditional update on the guard's id, so two writers never both take one guard. A
 * writer that loses its version race to a different event deletes its guard (conditional on its id),
 * so the event's redelivery is not mistaken for a duplicate. Redelivery is therefore idempotent: at
 * most one record per (entity, event id), and a crash between guard and record leaves nothing a later
 * delivery cannot get past.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../../changes/changeRecord.js';
import type { AppendOutcome } from '../../changes/logPosition.js';
import { VersionConflictError } from '../../errors.js';
import { conditionally, deleteIfId, getItem, putIfAbsent, type TableContext } from './dynamoCalls.js';
import { guardKey, recordKey } from './dynamoItems.js';

/** Rounds of "the guard changed under us" before the append gives up with a conflict to retry. */
const GUARD_ROUNDS = 8;

type Key = ReturnType<typeof guardKey>;
type Verdict = 'duplicate' | 'appended' | 'takeover' | 'conflict';

/**
 * Claims the event's guard for `record`. Resolves `claimed` when the record may now be put, or the
 * outcome when the event is already stored (`appended` when it is this very record, from an earlier
 * attempt whose answer was lost). Throws `VersionConflictError` when the caller must re-read its head.
 */
export async function claimGuard(
  ctx: TableContext,
  record: ChangeRecord,
  eventId: string,
): Promise<'claimed' | AppendOutcome> {
  const key = guardKey(record.poolId, record.entity, eventId);
  const mine = { ...key, version: record.version, id: record.id };
  for (let round = 0; round < GUARD_ROUNDS; round++) {
    if (await putIfAbsent(ctx, mine)) return 'claimed';
    const guard = await getItem(ctx, key);
    // Gone already: its writer lost a race and rolled back. Try to put ours again.
    if (guard === undefined) continue;
    const verdict = await judge(ctx, record, guard);
    if (verdict === 'duplicate' || verdict === 'appended') return verdict;
    if (verdict === 'conflict') throw new VersionConflictError(record.entity, record.version);
    if (guard.id === record.id && guard.version === record.version) return 'claimed';
    if (await takeOver(ctx, key, String(guard.id), mine)) return 'claimed';
  }
  throw new VersionConflictError(record.entity, record.version);
}

async function judge(
  ctx: TableContext,
  record: ChangeRecord,
  guard: Record<string, unknown>,
): Promise<Verdict> {
  const version = Number(guard.version);
  const held = await getItem(ctx, recordKey(record.poolId, record.entity, version));
  if (held !== undefined && held.id === guard.id) return held.id === record.id ? 'appended' : 'duplicate';
  if (held !== undefined) return 'takeover';
  // The slot is empty: its writer may be in flight. Contest only that slot (a version above it means a
  // gap in the history; taking over keeps appends possible there).
  return record.version < version ? 'conflict' : 'takeover';
}

function takeOver(ctx: TableContext, key: Key, oldId: string, mine: { version: number; id: string }) {
  return conditionally(ctx, () =>
    ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: key,
        UpdateExpression: 'SET #version = :version, #id = :id',
        ConditionExpression: '#id = :oldId',
        ExpressionAttributeNames: { '#version': 'version', '#id': 'id' },
        ExpressionAttributeValues: { ':version': mine.version, ':id': mine.id, ':oldId': oldId },
      }),
    ),
  );
}

/**
 * Our put found its slot taken. If the winner carries our event (a rival delivery of it), the event is
 * stored: point the guard at the winner and answer `duplicate`. Otherwise give the guard back and
 * throw `VersionConflictError`. `eventId` undefined: records without an event have no guard.
 */
export async function settleLostRace(
  ctx: TableContext,
  record: ChangeRecord,
  eventId: string | undefined,
): Promise<AppendOutcome> {
  const winner = await getItem(ctx, recordKey(record.poolId, record.entity, record.version));
  // This very record, put by an earlier attempt whose answer was lost (a timeout after the write).
  if (winner?.id === record.id) return 'appended';
  if (eventId === undefined) throw new VersionConflictError(record.entity, record.version);
  const key = guardKey(record.poolId, record.entity, eventId);
  if (winner !== undefined && winner.eventId === eventId) {
    // Conditional: if a third delivery took the guard over meanwhile, its outcome is its own.
    await takeOver(ctx, key, record.id, { version: record.version, id: String(winner.id) });
    return 'duplicate';
  }
  await deleteIfId(ctx, key, record.id);
  throw new VersionConflictError(record.entity, record.version);
}
