import type { JsonObject } from '../../model/json.js';
import type { RawRecord, RawUser, RawUserMfa } from '../../model/raw.js';
import type { CognitoReader } from '../../ports.js';
import { createPoolInput } from './createPoolInput.js';

/** What a plan names a pool that `--create-pool` has not created yet. */
export const newPoolId = (name: string): string => `(new pool ${name})`;

async function* none<T>(): AsyncIterable<T> {}

/**
 * The live side of a restore into a pool that does not exist yet: the pool as CreateUserPool will
 * make it from `pool` (the pool's document at T, see createPoolInput) and nothing in it. Planning
 * against it shows the whole restore before anything is created, so the operator can refuse it and
 * be left with nothing; once the pool exists, the restore plans against the real one.
 */
export class NewPoolReader implements CognitoReader {
  private readonly description: RawRecord;

  constructor(pool: JsonObject, name: string) {
    const input = createPoolInput(pool, name);
    const { Schema: _schema, PoolName: _name, ...settings } = input;
    this.description = {
      ...settings,
      Id: newPoolId(name),
      Name: name,
      // Cognito adds the standard attributes and prefixes custom ones; T's schema is what it makes.
      ...(pool.SchemaAttributes === undefined ? {} : { SchemaAttributes: pool.SchemaAttributes }),
    };
  }

  async describeUserPool(): Promise<RawRecord> {
    return structuredClone(this.description);
  }
  async getMfaConfig(): Promise<RawRecord> {
    return { MfaConfiguration: 'OFF' };
  }
  listClients = () => none<RawRecord>();
  listGroups = () => none<RawRecord>();
  listUsers = () => none<RawUser>();
  async listUsersPage(): Promise<{ users: RawUser[] }> {
    return { users: [] };
  }
  listUsersInGroup = () => none<string>();
  async getUserMfa(): Promise<RawUserMfa | undefined> {
    return undefined;
  }
  listIdentityProviders = () => none<RawRecord>();
  listResourceServers = () => none<RawRecord>();
  async describeDomain(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async getUiCustomization(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async getRiskConfiguration(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async listTags(): Promise<Record<string, string>> {
    return {};
  }
  async getUser(): Promise<(RawUser & RawUserMfa) | undefined> {
    return undefined;
  }
  async findUsernameBySub(): Promise<string | undefined> {
    return undefined;
  }
  async listGroupsForUser(): Promise<string[] | undefined> {
    return undefined;
  }
  async getGroup(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async describeClient(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async describeIdentityProvider(): Promise<RawRecord | undefined> {
    return undefined;
  }
  async describeResourceServer(): Promise<RawRecord | undefined> {
    return undefined;
  }
}

/**
 * Actions of the plan made against the created pool that the operator did not confirm (the plan made
 * before it existed): a restore applies none of them without asking again.
 */
export function unconfirmedActions(
  confirmed: { tasks: readonly { actions: readonly { id: string }[] }[] },
  actual: { tasks: readonly { actions: readonly { id: string }[] }[] },
): string[] {
  const ids = new Set(confirmed.tasks.flatMap((t) => t.actions.map((a) => a.id)));
  return actual.tasks.flatMap((t) => t.actions.map((a) => a.id)).filter((id) => !ids.has(id));
}
