import { type EntityKey, parseEntityKey } from '../model/entityKey.js';

/** A restore-cli command line and the same with `--dry-run`, which prints the plan and changes nothing. */
export interface UndoCommand {
  command: string;
  dryRun: string;
}

/** How to undo a burst: the whole pool as it was just before, or only what the caller touched. */
export interface UndoCommands {
  /** One second before the burst's first call: the state a restore goes back to. */
  at: string;
  /** The pool as it was at `at`: undoes the burst and every other change made since. */
  wholeWindow: UndoCommand;
  /** Only the users and groups the caller touched, each put back as it was at `at`; absent when none. */
  callerOnly?: UndoCommand;
  /** What the caller-only command cannot cover, and what to do about it, in words. */
  notes: string[];
}

/** More names than this and a command line stops being something to read or paste. */
export const MAX_NAMED_ENTITIES = 100;

/** restore-cli's `--only` part for each kind a restore cannot scope to single entities. */
const PART_OF_KIND: Record<string, string> = {
  client: 'clients',
  idp: 'identity-providers',
  resourceServer: 'resource-servers',
  ui: 'ui',
  domain: 'domain',
  pool: 'pool',
  mfa: 'mfa',
  riskConfiguration: 'risk',
  tags: 'tags',
};

const PLAIN = /^[A-Za-z0-9_.@+:=,/-]+$/;

/** Quoted for a POSIX shell when it holds anything beyond plain characters. */
export const shellWord = (word: string): string =>
  PLAIN.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

const line = (words: string[]): UndoCommand => {
  const command = words.map(shellWord).join(' ');
  return { command, dryRun: `${command} --dry-run` };
};

/**
 * The restore-cli commands that undo a burst that began at `start` (canonical). restore-cli scopes a
 * restore to named users (`--user`) and groups with their memberships (`--group`), so "only what the
 * caller touched" names those; clients, identity providers, resource servers and the singletons can
 * only be restored as a whole part (`--only clients`, …), which the notes say instead of a command.
 */
export function undoCommands(poolId: string, start: string, entities: readonly EntityKey[]): UndoCommands {
  const at = new Date(Date.parse(start) - 1000).toISOString();
  const base = ['restore-cli', 'restore', '--pool', poolId, '--at', at];
  const users: string[] = [];
  const groups: string[] = [];
  const parts = new Set<string>();
  for (const key of entities) {
    const { kind, id } = parseEntityKey(key);
    if (kind === 'user' && id !== undefined) users.push(id);
    else if (kind === 'group' && id !== undefined) groups.push(id);
    else if (PART_OF_KIND[kind] !== undefined) parts.add(PART_OF_KIND[kind]);
  }
  const notes: string[] = [];
  let callerOnly: UndoCommand | undefined;
  if (users.length + groups.length > MAX_NAMED_ENTITIES) {
    notes.push(
      `the caller touched ${users.length} users and ${groups.length} groups, too many to name on one command line: ` +
        `${line([...base, '--only', 'users,groups,memberships']).command} puts every user and group back as at ${at}`,
    );
  } else if (users.length + groups.length > 0) {
    callerOnly = line([
      ...base,
      ...users.flatMap((user) => ['--user', user]),
      ...groups.flatMap((group) => ['--group', group]),
    ]);
  }
  if (parts.has('pool'))
    notes.push('the pool itself was deleted: restore into a new pool with --create-pool <name>');
  parts.delete('pool');
  if (parts.size > 0) {
    const only = [...parts].sort().join(',');
    notes.push(
      `restore cannot be limited to single ${only}: ${line([...base, '--only', only]).command} puts every one of them back as at ${at}`,
    );
  }
  return { at, wholeWindow: line(base), ...(callerOnly ? { callerOnly } : {}), notes };
}
