import {
  type AuditPlan,
  auditPages,
  checkAuditQuery,
  type EntityKey,
  entityLife,
  entityOfFlags,
  InvalidInputError,
  resolveUser,
  type Store,
} from '@cognito-rewind/core';
import { openReadyStore } from '@cognito-rewind/core/adapters';
import { AUDIT_COLUMNS, auditFormatOf, HISTORY_COLUMNS, PagePrinter } from '../io/auditView.js';
import type { CommandContext } from '../io/commandContext.js';
import { chooseAccess, poolOf, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';

export interface AuditOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  user?: string;
  group?: string;
  entity?: string;
  actor?: string;
  accessKey?: string;
  event?: string[];
  ip?: string;
  source?: string;
  failed?: boolean;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
  format?: string;
}

export interface AuditOutcome {
  rows: number;
  cursor?: string;
}

function limitOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new InvalidInputError(`--limit ${value} is not a whole number`);
  return Number(value);
}

/** Everything a query needs that is checked before the store is opened: nothing is read on bad input. */
function checkAuditOptions(options: AuditOptions) {
  const format = auditFormatOf(options.format);
  const entity = entityOfFlags(options);
  const plan = checkAuditQuery({
    ...(entity === undefined ? {} : { entity }),
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    ...(options.accessKey === undefined ? {} : { accessKey: options.accessKey }),
    ...(options.event === undefined ? {} : { events: options.event }),
    ...(options.ip === undefined ? {} : { ip: options.ip }),
    ...(options.source === undefined ? {} : { source: options.source }),
    failed: options.failed === true,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(limitOf(options.limit) === undefined ? {} : { limit: limitOf(options.limit) }),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  if (options.user !== undefined && options.user.trim() === '')
    throw new InvalidInputError('--user needs a username or a sub');
  return { format, plan };
}

async function openFor(options: StoreOptions & { pool?: string }, ctx: CommandContext, command: string) {
  const access = chooseAccess(options, ctx, command);
  const poolId = poolOf(options.pool, access, ctx);
  return {
    poolId,
    open: () =>
      openReadyStore(access.config, { mustExist: true, ...ctx, ...storeCredentials(access) }, poolId),
  };
}

/** The entity of `--user` (resolved through the store: a sub names a user) or of `--group`/`--entity`. */
async function entityOf(store: Store, poolId: string, options: AuditOptions, ctx: CommandContext) {
  if (options.user === undefined) return entityOfFlags(options);
  return resolveUser(store, poolId, options.user, ctx.clock.now());
}

/**
 * `restore-cli audit`: who changed what, when. Rows stream a page at a time; with --limit, a cursor to
 * continue is printed (on stderr, so stdout stays the format asked for).
 */
export async function auditCommand(options: AuditOptions, ctx: CommandContext): Promise<AuditOutcome> {
  const checked = checkAuditOptions(options);
  const { poolId, open } = await openFor(options, ctx, 'audit');
  const store = await open();
  try {
    const entity = await entityOf(store, poolId, options, ctx);
    const plan: AuditPlan =
      entity === undefined
        ? checked.plan
        : { ...checked.plan, entity, index: { by: 'entity', value: entity } };
    const printer = new PagePrinter(ctx.io, checked.format, AUDIT_COLUMNS);
    let cursor: string | undefined;
    const reads = {
      changeLog: store.changeLog,
      ...(store.trail === undefined ? {} : { trail: store.trail }),
    };
    for await (const page of auditPages(reads, poolId, plan)) {
      printer.page(page.rows);
      cursor = page.cursor;
    }
    printer.end();
    if (printer.printed === 0) ctx.io.err(`no audit rows match these filters in ${poolId}`);
    if (cursor !== undefined) ctx.io.err(`more rows follow: continue with --cursor ${cursor}`);
    if (store.trail === undefined)
      ctx.io.err(
        'note: this store has no event trail (the bucket alone): rows come from the change log, failed calls are not there',
      );
    return { rows: printer.printed, ...(cursor === undefined ? {} : { cursor }) };
  } finally {
    store.close();
  }
}

export type AuditHistoryOptions = Pick<AuditOptions, 'pool' | 'user' | 'group' | 'entity' | 'format'> &
  StoreOptions;

/** Filters of `audit` that `audit history` does not take: one entity's whole life is shown. */
const QUERY_ONLY = [
  'actor',
  'accessKey',
  'event',
  'ip',
  'source',
  'failed',
  'since',
  'until',
  'limit',
  'cursor',
] as const;
const FLAG_OF: Record<(typeof QUERY_ONLY)[number], string> = {
  actor: '--actor',
  accessKey: '--access-key',
  event: '--event',
  ip: '--ip',
  source: '--source',
  failed: '--failed',
  since: '--since',
  until: '--until',
  limit: '--limit',
  cursor: '--cursor',
};

/** History's options: its own, and those `audit` (which shares their names) parsed for it. */
export function historyOptions(parent: AuditOptions, own: AuditHistoryOptions): AuditHistoryOptions {
  const extra = QUERY_ONLY.filter((name) => parent[name] !== undefined);
  if (extra.length > 0)
    throw new InvalidInputError(
      `audit history shows one entity's whole life and takes no ${extra.map((name) => FLAG_OF[name]).join(', ')}: use \`restore-cli audit --user …\` to filter`,
    );
  const { format, ...rest } = parent;
  return {
    ...rest,
    ...own,
    format: own.format !== 'table' ? own.format : (format ?? 'table'),
  } as AuditHistoryOptions;
}

/** `restore-cli audit history --user alice`: one entity's life, each change with the state after it. */
export async function auditHistoryCommand(
  options: AuditHistoryOptions,
  ctx: CommandContext,
): Promise<number> {
  const format = auditFormatOf(options.format);
  const named = entityOfFlags(options);
  if (options.user === undefined && named === undefined)
    throw new InvalidInputError('audit history needs --user <username or sub> (or --group, --entity)');
  if (options.user !== undefined && options.user.trim() === '')
    throw new InvalidInputError('--user needs a username or a sub');
  const { poolId, open } = await openFor(options, ctx, 'audit history');
  const store = await open();
  try {
    const entity: EntityKey = (await entityOf(store, poolId, options, ctx)) as EntityKey;
    const printer = new PagePrinter(ctx.io, format, HISTORY_COLUMNS);
    let page = [];
    for await (const step of entityLife(store.changeLog, poolId, entity)) {
      page.push(step);
      if (page.length === 100) {
        printer.page(page);
        page = [];
      }
    }
    printer.page(page);
    printer.end();
    if (printer.printed === 0) ctx.io.err(`no change of ${entity} is recorded in ${poolId}`);
    return printer.printed;
  } finally {
    store.close();
  }
}
