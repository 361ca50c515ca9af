import type { ChangeCause } from '../../changes/changeRecord.js';
import { type EntityHead, makeRecord } from '../../changes/makeRecord.js';
import { resolveValidFrom } from '../../changes/validFrom.js';
import { VersionConflictError } from '../../errors.js';
import type { EntityKey } from '../../model/entityKey.js';
import { deepEqual, type JsonObject } from '../../model/json.js';
import type { ChangeLog } from '../../ports.js';
import type { RestorePlan } from '../plan/restorePlan.js';

/**
 * Entities some tasks change besides their own: SetUserPoolMfaConfig and the domain calls change the
 * pool's document (MfaConfiguration, Domain, LastModifiedDate), UpdateUserPool may write the tags.
 * Apply reads them before and after the run, so history shows those changes too.
 */
export function sideEffects(plan: RestorePlan): EntityKey[] {
  if (!plan.tasks.some((t) => ['pool', 'mfa', 'domain'].includes(t.entity))) return [];
  return ['pool', ...(plan.targetArn === undefined ? [] : ['tags'])];
}

/**
 * History shows the restore: the entity as read back from Cognito, chained to its head. A change the
 * log never saw (the entity as read before the restore is not its chain's last state: the damage
 * happened after the last backup) goes in first as a `reconcile` record, as the next backup would
 * have written it, so history holds both the damage and its repair, and every patch starts from the
 * chain's previous after-image (`base` when the log has no record of the entity).
 */
export async function appendRestoreRecord(
  changeLog: ChangeLog,
  poolId: string,
  key: EntityKey,
  base: JsonObject | null,
  before: { doc: JsonObject | null; readAt: string },
  after: JsonObject | null,
  at: () => string,
  cause?: ChangeCause,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const head = await changeLog.head(poolId, key);
    const chain = {
      version: head?.version ?? 0,
      hash: head?.hash ?? null,
      doc: head === undefined ? base : head.after,
    };
    // Capture, beside the restore, may have recorded this entity since `before` was read (the
    // restore's own call, with its CloudTrail event): then `before` is older than the log.
    const headIsNewer = head !== undefined && head.observedAt > before.readAt;
    const steps = historySteps(chain.doc, before.doc, after, { headIsNewer });
    try {
      await appendSteps(changeLog, { poolId, key, chain, validFrom: head?.validFrom, steps, at, cause });
      return;
    } catch (error) {
      // Capture writing the same entity meanwhile: read the head again. Past the last attempt the
      // caller reports the entity's history as not written (the next reconcile records its state).
      if (!(error instanceof VersionConflictError) || attempt >= HISTORY_ATTEMPTS) throw error;
    }
  }
}

const HISTORY_ATTEMPTS = 6;

type Step = { doc: JsonObject | null; source: 'reconcile' | 'restore' };

async function appendSteps(
  changeLog: ChangeLog,
  run: {
    poolId: string;
    key: EntityKey;
    chain: EntityHead;
    validFrom: string | undefined;
    steps: readonly Step[];
    at: () => string;
    cause: ChangeCause | undefined;
  },
): Promise<void> {
  let { chain, validFrom } = run;
  for (const step of run.steps) {
    const observedAt = run.at();
    validFrom = resolveValidFrom({ observedAt, previousValidFrom: validFrom });
    const record = makeRecord({
      poolId: run.poolId,
      entity: run.key,
      head: chain,
      after: step.doc,
      validFrom,
      observedAt,
      source: step.source,
      ...(step.source === 'restore' ? { event: { name: 'restore-cli restore' } } : {}),
      ...(run.cause === undefined ? {} : { cause: run.cause }),
    });
    await changeLog.append(record);
    chain = { version: record.version, hash: record.hash, doc: record.after };
  }
}

const same = (a: JsonObject | null, b: JsonObject | null) => deepEqual(a ?? undefined, b ?? undefined);

/**
 * The records that take a chain from its last state to `after`: the unseen damage first, if any.
 * `headIsNewer`: the log recorded the entity after `before` was read (capture, running beside the
 * restore, recorded the restore's own call). Then `before` is no damage the log missed — writing it
 * would put the state before the restore after it — and a chain already at `after` needs nothing.
 */
export function historySteps(
  chain: JsonObject | null,
  before: JsonObject | null,
  after: JsonObject | null,
  { headIsNewer = false }: { headIsNewer?: boolean } = {},
): Step[] {
  if (headIsNewer && same(chain, after)) return [];
  const damage = !headIsNewer && !same(chain, before) && !same(before, after);
  const steps: Step[] = [];
  if (damage) steps.push({ doc: before, source: 'reconcile' });
  if (!same(damage ? before : chain, after)) steps.push({ doc: after, source: 'restore' });
  return steps;
}
