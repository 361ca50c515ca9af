import {
  DEFAULT_QUOTAS,
  InvalidInputError,
  QUOTA_CATEGORIES,
  type QuotaCategory,
  RESTORE_SCOPES,
  type RestoreMode,
  type RestoreScope,
} from '@cognito-rewind/core';
import type { StoreOptions } from '../store/storeOptions.js';

/** The options as commander hands them over. */
export interface RestoreOptions extends StoreOptions {
  /** Required unless the --deployment keeps one pool. */
  pool?: string;
  at?: string;
  endpoint?: string;
  region?: string;
  targetPool?: string;
  createPool?: string;
  dryRun?: boolean;
  yes?: boolean;
  exact?: boolean;
  only?: string;
  user?: string[];
  group?: string[];
  revert?: string;
  format?: string;
  report?: string;
  notify?: boolean;
  rate?: string[];
  concurrency?: string;
}

export interface ParsedRestoreOptions {
  mode: RestoreMode;
  only?: RestoreScope[];
  users?: string[];
  groups?: string[];
  format: 'table' | 'json';
  dryRun: boolean;
  yes: boolean;
  notify: boolean;
  rates: Partial<Record<QuotaCategory, number>>;
  concurrency: number;
}

const bad = (message: string) => new InvalidInputError(message);

/** Checks every option before anything is read or written: conflicts and bad values are exit 2. */
export function parseRestoreOptions(raw: RestoreOptions): ParsedRestoreOptions {
  checkConflicts(raw);
  const format = raw.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw bad(`--format ${format}: use table or json`);
  const only = raw.only === undefined ? undefined : parseOnly(raw.only);
  return {
    mode: raw.exact ? 'exact' : 'undo',
    ...(only ? { only } : {}),
    ...(raw.user?.length ? { users: [...new Set(raw.user)] } : {}),
    ...(raw.group?.length ? { groups: [...new Set(raw.group)] } : {}),
    format,
    dryRun: raw.dryRun ?? false,
    yes: raw.yes ?? false,
    notify: raw.notify ?? false,
    rates: parseRates(raw.rate ?? []),
    concurrency: parseConcurrency(raw.concurrency),
  };
}

function checkConflicts(raw: RestoreOptions): void {
  if (raw.targetPool !== undefined && raw.createPool !== undefined)
    throw bad(
      '--target-pool and --create-pool conflict: restore into an existing pool or a new one, not both',
    );
  if (raw.createPool !== undefined && !/^[\w\s+=,.@-]{1,128}$/.test(raw.createPool))
    throw bad(`--create-pool ${JSON.stringify(raw.createPool)} is not a valid pool name`);
  if (raw.revert !== undefined) checkRevert(raw, raw.revert);
  else if (raw.at === undefined) throw bad('--at <time> is required (or --revert <change id>)');
}

function checkRevert(raw: RestoreOptions, revert: string): void {
  const clash = [
    raw.at && '--at',
    raw.exact && '--exact',
    raw.only && '--only',
    raw.user?.length && '--user',
    raw.group?.length && '--group',
    raw.createPool && '--create-pool',
  ].filter(Boolean);
  if (clash.length > 0)
    throw bad(
      `--revert conflicts with ${clash.join(', ')}: it restores one entity to just before that change`,
    );
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/i.test(revert))
    throw bad(`--revert ${JSON.stringify(revert)} is not a change record id`);
}

function parseConcurrency(value: string | undefined): number {
  const concurrency = value === undefined ? 16 : Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw bad(`--concurrency ${value}: a whole number from 1 to 256`);
  return concurrency;
}

function parseOnly(value: string): RestoreScope[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(RESTORE_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0)
    throw bad(
      `--only ${value}: unknown part ${unknown.join(', ') || '(none given)'}; use ${RESTORE_SCOPES.join(',')}`,
    );
  return scopes as RestoreScope[];
}

/** `--rate UserCreation=100`: an account that bought more of an adjustable category. */
function parseRates(values: string[]): Partial<Record<QuotaCategory, number>> {
  const rates: Partial<Record<QuotaCategory, number>> = {};
  for (const value of values) {
    const [name = '', number = ''] = value.split('=');
    const perSecond = Number(number);
    if (!(QUOTA_CATEGORIES as readonly string[]).includes(name))
      throw bad(`--rate ${value}: unknown quota category ${name}; use one of ${QUOTA_CATEGORIES.join(', ')}`);
    if (!Number.isFinite(perSecond) || perSecond <= 0)
      throw bad(`--rate ${value}: the rate must be a positive number of requests per second`);
    const quota = DEFAULT_QUOTAS[name as QuotaCategory];
    // Only adjustable categories can be bought up; asking more of the others just earns throttling.
    if (!quota.adjustable && perSecond > quota.perSecond)
      throw bad(
        `--rate ${value}: AWS does not raise ${name} (not adjustable, ${quota.perSecond}/s); a lower rate is fine`,
      );
    rates[name as QuotaCategory] = perSecond;
  }
  return rates;
}
