import type { ChangeRecord } from '../changes/changeRecord.js';
import type { EntityKey } from '../model/entityKey.js';
import type { JsonObject } from '../model/json.js';
import type { ChangeLog } from '../ports.js';
import type { AuditChange } from './auditRow.js';
import { changeWords } from './changeWords.js';

interface Walk {
  records: AsyncIterator<ChangeRecord>;
  /** The after-image of the last record read: the entity just before the next one. */
  before: JsonObject | null | undefined;
}

/** How many entities' histories stay open between pages. */
const OPEN_WALKS = 8;

/**
 * Finds the change records a page of audit rows names, each with the entity just before it, by
 * walking each entity's history (a strongly consistent Query of its partition). Pages come in time
 * order, and an entity's records mostly in the same order, so a walk is kept open from one page to the
 * next and continued: reading one entity's long history page by page costs one pass, not one pass per
 * page. An id the open walk has passed (a record learnt late) or not reached by its end (appended
 * since the walk began) is found by one fresh walk from the start.
 */
export class HistoryWalker {
  private readonly walks = new Map<EntityKey, Walk>();

  constructor(
    private readonly changeLog: ChangeLog,
    private readonly poolId: string,
  ) {}

  async find(entity: EntityKey, ids: ReadonlySet<string>, found: Map<string, AuditChange>): Promise<void> {
    const left = new Set(ids);
    const open = this.walks.get(entity);
    if (open !== undefined) await this.advance(entity, open, left, found);
    if (left.size > 0) await this.advance(entity, await this.start(entity), left, found);
  }

  /** Releases the open walks (their Query pages, their file handles). */
  async close(): Promise<void> {
    const walks = [...this.walks.values()];
    this.walks.clear();
    await Promise.all(walks.map((walk) => walk.records.return?.()));
  }

  private async start(entity: EntityKey): Promise<Walk> {
    await this.drop(entity);
    if (this.walks.size >= OPEN_WALKS) {
      const oldest = this.walks.keys().next().value;
      if (oldest !== undefined) await this.drop(oldest);
    }
    const walk: Walk = {
      records: this.changeLog.entityHistory(this.poolId, entity)[Symbol.asyncIterator](),
      before: undefined,
    };
    this.walks.set(entity, walk);
    return walk;
  }

  private async drop(entity: EntityKey): Promise<void> {
    const walk = this.walks.get(entity);
    this.walks.delete(entity);
    await walk?.records.return?.();
  }

  private async advance(
    entity: EntityKey,
    walk: Walk,
    left: Set<string>,
    found: Map<string, AuditChange>,
  ): Promise<void> {
    while (left.size > 0) {
      const next = await walk.records.next();
      if (next.done) {
        this.walks.delete(entity);
        return;
      }
      const record = next.value;
      const { before } = walk;
      if (left.delete(record.id)) {
        const words = changeWords(record, before);
        found.set(record.id, {
          id: record.id,
          entity,
          words,
          record,
          ...(before === undefined ? {} : { before }),
        });
      }
      walk.before = record.after;
    }
  }
}
