import { deepEqual, type JsonObject } from '../../model/json.js';
import { action, addTask, change, type PlanContext } from './planContext.js';
import type { RestoreAction, RestoreActionOf } from './restorePlan.js';
import { writableView } from './writableView.js';

type Domains = Record<string, JsonObject>;

/** A pool holds at most one prefix domain and one custom domain (one with a certificate). */
const isCustom = (domain: JsonObject | undefined): boolean => domain?.CustomDomainConfig !== undefined;
const sameType = (a: JsonObject | undefined, b: JsonObject | undefined) => isCustom(a) === isCustom(b);

const dnsChange = (name: string) =>
  `a custom domain gets a new CloudFront distribution: point the DNS alias record of ${name} at it`;

/** Why bringing back `name` needs a delete: its own settings differ, or `other` holds its place. */
interface Replacement {
  name: string;
  /** The live domain in its way: `name` itself (settings differ) or another domain of its type. */
  other: string;
}

/**
 * The pool's domains. Cognito cannot rename a domain, and a changed one comes back only through a
 * delete and a re-creation — for a custom domain a new CloudFront distribution, so a DNS change. Undo
 * never deletes: a domain made after T is kept, and one that only a replacement brings back is left as
 * it is, noted as not done with the reason. Exact replaces it, and says what DNS change follows.
 */
export function planDomain(ctx: PlanContext): void {
  if (!ctx.inScope('domain')) return;
  const want = (writableView('domain', ctx.target.get('domain')) ?? {}) as Domains;
  const have = (writableView('domain', ctx.live.get('domain')) ?? {}) as Domains;
  if (deepEqual(want, have)) return;
  const differs = (name: string) => !deepEqual(have[name], want[name]);
  const stale = Object.keys(have).sort().filter(differs);
  const missing = Object.keys(want).sort().filter(differs);
  const replacements = missing.flatMap((name): Replacement[] => {
    const other = name in have ? name : stale.find((s) => !(s in want) && sameType(have[s], want[name]));
    return other === undefined ? [] : [{ name, other }];
  });
  const actions =
    ctx.mode === 'exact'
      ? exactDomains(ctx, { want, have, stale, missing, replacements })
      : undoDomains(ctx, { want, have, stale, missing, replacements });
  // Expected is the live view as apply re-reads it: null when the pool has no domain (not `{}`, which
  // made every re-creation of a deleted domain a conflict). Undo leaves the live domains beside those
  // it creates: that is what apply should read back.
  const desired = ctx.mode === 'exact' ? want : desiredAfterUndo(have, want, actions);
  addTask(ctx, 'domain', 'domain', writableView('domain', ctx.live.get('domain')), desired, actions);
}

interface DomainDiff {
  want: Domains;
  have: Domains;
  /** Live domains not as they were at T (made after T, or changed). */
  stale: string[];
  /** Domains of T not live as they were (deleted, or changed). */
  missing: string[];
  replacements: Replacement[];
}

function exactDomains(ctx: PlanContext, diff: DomainDiff): RestoreAction[] {
  const { want, have, stale, missing, replacements } = diff;
  const replaced = new Set(replacements.map((r) => r.other));
  for (const { name, other } of replacements) {
    const what =
      name === other
        ? `domain ${name} differs from T: it is deleted and created again`
        : `domain ${other} took the place of ${name} after T: it is deleted and ${name} created again`;
    const dns = isCustom(want[name]) || isCustom(have[other]) ? `; ${dnsChange(name)}` : '';
    note(ctx, 'domainReplacement', `${what}${dns}`);
  }
  for (const name of stale)
    if (!replaced.has(name) && isCustom(have[name]))
      note(
        ctx,
        'customDomainDns',
        `custom domain ${name} did not exist at T and is deleted with its CloudFront distribution: remove its DNS record`,
      );
  for (const name of missing)
    if (!replacements.some((r) => r.name === name) && isCustom(want[name]))
      note(ctx, 'customDomainDns', `custom domain ${name} is created again; ${dnsChange(name)}`);
  return [
    ...stale.map((name) => deleteDomain(name, have[name])),
    ...missing.map((name) => createDomain(name, want[name])),
  ];
}

function undoDomains(ctx: PlanContext, diff: DomainDiff): RestoreAction[] {
  const { want, have, stale, missing, replacements } = diff;
  for (const { name, other } of replacements) {
    const why =
      name === other
        ? `domain ${name} differs from T, and only deleting it and creating it again brings it back`
        : `domain ${name} existed at T and ${other} took its place after T: only deleting ${other} brings ${name} back`;
    const dns = isCustom(want[name]) || isCustom(have[other]) ? `, and ${dnsChange(name)}` : '';
    note(ctx, 'domainReplacement', `${why}; undo never does that: not done (--exact does it${dns})`);
  }
  const kept = stale.filter((name) => !(name in want));
  for (const name of kept) note(ctx, 'createdAfter', `domain ${name} was created after T and is kept`);
  const creates = missing.filter((name) => !replacements.some((r) => r.name === name));
  for (const name of creates)
    if (isCustom(want[name]))
      note(ctx, 'customDomainDns', `custom domain ${name} is created again; ${dnsChange(name)}`);
  if (kept.length > 0 && creates.length === 0) ctx.kept.push('domain');
  return creates.map((name) => createDomain(name, want[name]));
}

function desiredAfterUndo(have: Domains, want: Domains, actions: readonly RestoreAction[]): Domains {
  const created = actions.flatMap((a) => (a.kind === 'createDomain' ? [a.input.Domain] : []));
  return { ...have, ...Object.fromEntries(created.map((name) => [name, want[name] as JsonObject])) };
}

function note(
  ctx: PlanContext,
  kind: 'domainReplacement' | 'customDomainDns' | 'createdAfter',
  message: string,
) {
  ctx.notes.push({ kind, entity: 'domain', message });
}

const deleteDomain = (name: string, was: JsonObject | undefined): RestoreActionOf<'deleteDomain'> =>
  action(
    'deleteDomain',
    'domain',
    { Domain: name },
    `domain ${name} did not exist at T in this form`,
    [change(name, was, undefined)],
    name,
  );

const createDomain = (name: string, wanted: JsonObject | undefined): RestoreActionOf<'createDomain'> =>
  action(
    'createDomain',
    'domain',
    { ...(wanted as JsonObject), Domain: name },
    `domain ${name} existed at T`,
    [change(name, undefined, wanted)],
    name,
  );
