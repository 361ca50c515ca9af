import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoReader } from '@cognito-rewind/core';
import { PoolNotFoundError, toArray } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityReaderTests, optional } from './cognitoReader.entities.js';
import {
  CLIENT_CSS,
  type CognitoSupport,
  GROUPS,
  POOL_CSS,
  PROVIDERS,
  type Sample,
  SERVERS,
  seedSamplePool,
  USERS,
} from './cognitoReader.sample.js';

export type { CognitoSupport } from './cognitoReader.sample.js';

export interface CognitoReaderFixture {
  endpoint: string;
  makeReader(pageSize?: number): CognitoReader;
  supports: CognitoSupport;
  stop(): Promise<void>;
}

const sorted = (values: readonly string[]) => [...values].sort();

/**
 * The behaviour every `CognitoReader` must show, run against each Cognito endpoint we have. The pool
 * is seeded through the real SDK client, then read back through the reader under test.
 */
export function cognitoReaderContract(name: string, setup: () => Promise<CognitoReaderFixture>): void {
  describe(`CognitoReader contract: ${name}`, () => {
    let fixture: CognitoReaderFixture;
    let cognito: CognitoIdentityProviderClient;
    let reader: CognitoReader;
    let sample: Sample;

    beforeAll(async () => {
      fixture = await setup();
      cognito = createCognitoClient({ endpoint: fixture.endpoint, maxAttempts: 1 });
      sample = await seedSamplePool(cognito, fixture.supports);
      reader = fixture.makeReader();
    });

    afterAll(async () => {
      cognito?.destroy();
      await fixture?.stop();
    });

    it('describes the pool, custom attribute included, as plain data', async () => {
      const pool = await reader.describeUserPool(sample.poolId);
      expect(pool.Id).toBe(sample.poolId);
      expect(pool.Name).toBe('contract');
      expect(pool).not.toHaveProperty('$metadata');
      expect(pool.CreationDate).toBeInstanceOf(Date);
      const schema = pool.SchemaAttributes as { Name?: string }[];
      expect(schema.map((a) => a.Name)).toContain('custom:tenant');
    });

    it('reads the pool MFA configuration', async () => {
      const mfa = await reader.getMfaConfig(sample.poolId);
      expect(mfa.MfaConfiguration).toBe('OPTIONAL');
      expect(mfa.SoftwareTokenMfaConfiguration).toEqual({ Enabled: true });
      expect(mfa).not.toHaveProperty('$metadata');
    });

    it('lists exactly the seeded users, with attributes, status and dates', async () => {
      const users = await toArray(reader.listUsers(sample.poolId));
      expect(sorted(users.map((u) => u.Username ?? ''))).toEqual(sorted(USERS.map((u) => u.username)));
      for (const user of users) {
        const seeded = USERS.find((u) => u.username === user.Username);
        const attributes = Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name, a.Value]));
        expect(attributes['custom:tenant']).toBe(seeded?.tenant);
        expect(attributes.email).toBe(
          `user${USERS.findIndex((u) => u.username === user.Username)}@example.com`,
        );
        expect(attributes.sub).toMatch(/^[0-9a-f-]{36}$/);
        expect(user.Enabled).toBe(seeded?.disabled !== true);
        expect(user.UserCreateDate).toBeInstanceOf(Date);
        expect(user.UserLastModifiedDate).toBeInstanceOf(Date);
      }
      const subs = users.map((u) => u.Attributes?.find((a) => a.Name === 'sub')?.Value);
      expect(new Set(subs).size).toBe(USERS.length);
    });

    it('lists users page by page: the tokens visit each user once, whatever the page size', async () => {
      const paged = fixture.makeReader(2);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await paged.listUsersPage(sample.poolId, token);
        expect(page.users.length).toBeLessThanOrEqual(
          fixture.supports.paginates === false ? USERS.length : 2,
        );
        seen.push(...page.users.map((user) => user.Username ?? ''));
        token = page.next;
        pages += 1;
      } while (token !== undefined && pages < 50);
      expect(sorted(seen)).toEqual(sorted(USERS.map((u) => u.username)));
      if (fixture.supports.paginates !== false) expect(pages).toBeGreaterThan(1);
      await expect(paged.listUsersPage(`${sample.poolId.split('_')[0]}_NoSuchPool1`)).rejects.toBeInstanceOf(
        PoolNotFoundError,
      );
    });

    it('lists every group with its precedence and description', async () => {
      const groups = await toArray(reader.listGroups(sample.poolId));
      const shape = groups.map((g) => ({
        GroupName: g.GroupName,
        Precedence: g.Precedence,
        Description: g.Description,
      }));
      const expected = GROUPS.map(({ members: _members, ...group }) => group);
      expect(shape.sort((a, b) => String(a.GroupName).localeCompare(String(b.GroupName)))).toEqual(expected);
      expect(groups.every((g) => g.CreationDate instanceof Date)).toBe(true);
    });

    it("lists each group's members by username", async () => {
      for (const group of GROUPS) {
        const members = await toArray(reader.listUsersInGroup(sample.poolId, group.GroupName));
        expect(sorted(members)).toEqual(sorted(group.members));
      }
    });

    it('describes every app client, the secret present in the raw output', async () => {
      const clients = await toArray(reader.listClients(sample.poolId));
      const byName = new Map(clients.map((c) => [c.ClientName, c]));
      expect(sorted([...byName.keys()].map(String))).toEqual(['backend', 'web']);
      expect(byName.get('web')?.ClientId).toBe(sample.webClientId);
      expect(byName.get('web')?.ClientSecret).toBeUndefined();
      expect(byName.get('backend')?.ClientId).toBe(sample.backendClientId);
      expect(byName.get('backend')?.ClientSecret).toEqual(expect.stringMatching(/^\w{20,}$/));
    });

    it("reads a user's MFA settings, undefined for a user that no longer exists", async () => {
      const alice = await reader.getUserMfa(sample.poolId, 'alice');
      const bob = await reader.getUserMfa(sample.poolId, 'bob/builder');
      expect(bob).toBeDefined();
      expect(bob?.UserMFASettingList ?? []).toEqual([]);
      // Deleted between ListUsers and AdminGetUser: nothing to back up, and no reason to stop.
      expect(await reader.getUserMfa(sample.poolId, 'no-such-user')).toBeUndefined();
      if (fixture.supports.userMfaPreferences) {
        expect(alice).toEqual({
          PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
          UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
        });
      }
    });

    it('reads identity providers, fully described, or says they are unsupported', async () => {
      await optional(
        fixture.supports.identityProviders,
        'identityProviders',
        () => toArray(reader.listIdentityProviders(sample.poolId)),
        (providers) => {
          expect(sorted(providers.map((p) => String(p.ProviderName)))).toEqual(PROVIDERS);
          expect(providers.every((p) => (p.ProviderDetails as Record<string, string>).oidc_issuer)).toBe(
            true,
          );
          expect(providers[0]?.AttributeMapping).toEqual({ email: 'email' });
        },
      );
    });

    it('reads resource servers, or says they are unsupported', async () => {
      await optional(
        fixture.supports.resourceServers,
        'resourceServers',
        () => toArray(reader.listResourceServers(sample.poolId)),
        (servers) => {
          expect(sorted(servers.map((s) => String(s.Identifier)))).toEqual(SERVERS);
          expect(servers[0]?.Scopes).toEqual([{ ScopeName: 'read', ScopeDescription: 'Read access' }]);
        },
      );
    });

    it('reads the domain (undefined for an unknown one), or says it is unsupported', async () => {
      await optional(
        fixture.supports.domain,
        'domain',
        async () => ({
          known: await reader.describeDomain(sample.domain),
          unknown: await reader.describeDomain(`${sample.domain}-none`),
        }),
        ({ known, unknown }) => {
          expect(known).toMatchObject({ Domain: sample.domain, UserPoolId: sample.poolId, Status: 'ACTIVE' });
          expect(unknown).toBeUndefined();
        },
      );
    });

    it('reads UI customisation per client and for the pool, or says it is unsupported', async () => {
      await optional(
        fixture.supports.uiCustomization,
        'uiCustomization',
        async () => ({
          pool: await reader.getUiCustomization(sample.poolId),
          web: await reader.getUiCustomization(sample.poolId, sample.webClientId),
        }),
        ({ pool, web }) => {
          expect(pool).toMatchObject({ ClientId: 'ALL', CSS: POOL_CSS });
          expect(web).toMatchObject({ ClientId: sample.webClientId, CSS: CLIENT_CSS });
        },
      );
    });

    it('reads the risk configuration, or says it is unsupported', async () => {
      await optional(
        fixture.supports.riskConfiguration,
        'riskConfiguration',
        () => reader.getRiskConfiguration(sample.poolId),
        (risk) => expect(risk?.RiskExceptionConfiguration).toEqual({ BlockedIPRangeList: ['192.0.2.0/24'] }),
      );
    });

    it('reads the pool tags, or says they are unsupported', async () => {
      await optional(
        fixture.supports.tags,
        'tags',
        () => reader.listTags(sample.poolArn),
        (tags) => expect(tags).toEqual({ team: 'identity', env: 'test' }),
      );
    });

    it('names a pool that does not exist', async () => {
      const missing = `${sample.poolId.split('_')[0]}_NoSuchPool1`;
      const error = await reader.describeUserPool(missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolNotFoundError);
      expect((error as PoolNotFoundError).poolId).toBe(missing);
    });

    entityReaderTests({
      get reader() {
        return reader;
      },
      get sample() {
        return sample;
      },
      get supports() {
        return fixture.supports;
      },
    });
  });
}
