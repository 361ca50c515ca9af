import type { CognitoReader } from '@cognito-rewind/core';
import { ComponentUnsupportedError, PoolNotFoundError, toArray } from '@cognito-rewind/core';
import { expect, it } from 'vitest';
import { type CognitoSupport, GROUPS, type Sample, SERVERS, USERS } from './cognitoReader.sample.js';

export interface ReaderTestContext {
  readonly reader: CognitoReader;
  readonly sample: Sample;
  readonly supports: CognitoSupport;
}

const sorted = (values: readonly string[]) => [...values].sort();

/** Either the component's data passes `check`, or the endpoint lacks it and says so by name. */
export async function optional<T>(
  supported: boolean,
  component: string,
  read: () => Promise<T>,
  check: (value: T) => void,
): Promise<void> {
  if (supported) {
    check(await read());
    return;
  }
  const error = await read().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ComponentUnsupportedError);
  expect((error as ComponentUnsupportedError).component).toBe(component);
  // An unsupported answer is final: retrying it would only make every backup wait.
  const cause = (error as { cause?: { $metadata?: { attempts?: number } } }).cause;
  expect(cause?.$metadata?.attempts).toBe(1);
}

/** The single-entity reads a restore makes just before it changes something. */
export function entityReaderTests(t: ReaderTestContext): void {
  it('finds a user by sub, the only name CloudTrail gives a user; undefined for none or a malformed one', async () => {
    const alice = await t.reader.getUser(t.sample.poolId, 'alice');
    const sub = alice?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
    expect(sub).not.toBe('');
    expect(await t.reader.findUsernameBySub(t.sample.poolId, sub)).toBe('alice');
    expect(
      await t.reader.findUsernameBySub(t.sample.poolId, '00000000-0000-4000-8000-000000000000'),
    ).toBeUndefined();
    expect(await t.reader.findUsernameBySub(t.sample.poolId, 'x" or sub ^= "')).toBeUndefined();
  });

  it('reads one user like a ListUsers entry, MFA settings included; undefined when there is none', async () => {
    const alice = await t.reader.getUser(t.sample.poolId, 'alice');
    const listed = (await toArray(t.reader.listUsers(t.sample.poolId))).find((u) => u.Username === 'alice');
    expect(alice).toMatchObject({ Username: 'alice', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(alice).not.toHaveProperty('UserAttributes');
    expect(alice).not.toHaveProperty('$metadata');
    expect(alice?.UserCreateDate).toBeInstanceOf(Date);
    const byName = (user: typeof listed) =>
      Object.fromEntries((user?.Attributes ?? []).map((a) => [a.Name, a.Value]));
    expect(byName(alice)).toEqual(byName(listed));
    expect(byName(alice)['custom:tenant']).toBe('acme');
    if (t.supports.userMfaPreferences) {
      expect(alice).toMatchObject({
        PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
        UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      });
    }
    expect((await t.reader.getUser(t.sample.poolId, 'dörte'))?.Username).toBe('dörte');
    expect((await t.reader.getUser(t.sample.poolId, 'eve'))?.Enabled).toBe(false);
    expect(await t.reader.getUser(t.sample.poolId, 'no-such-user')).toBeUndefined();
  });

  it("lists one user's groups over every page; undefined for a user that does not exist", async () => {
    for (const { username } of USERS) {
      const expected = GROUPS.filter((g) => g.members.includes(username)).map((g) => g.GroupName);
      expect(sorted((await t.reader.listGroupsForUser(t.sample.poolId, username)) ?? [])).toEqual(expected);
    }
    expect(await t.reader.listGroupsForUser(t.sample.poolId, 'alice')).toHaveLength(3);
    expect(await t.reader.listGroupsForUser(t.sample.poolId, 'no-such-user')).toBeUndefined();
  });

  it('reads one group; undefined when it does not exist', async () => {
    const group = await t.reader.getGroup(t.sample.poolId, 'editors');
    expect(group).toMatchObject({ GroupName: 'editors', Precedence: 5, Description: 'Edits content' });
    expect(group?.CreationDate).toBeInstanceOf(Date);
    expect(group).not.toHaveProperty('$metadata');
    expect(await t.reader.getGroup(t.sample.poolId, 'no-such-group')).toBeUndefined();
  });

  it('describes one app client, secret included; undefined when it does not exist', async () => {
    const backend = await t.reader.describeClient(t.sample.poolId, t.sample.backendClientId);
    expect(backend).toMatchObject({ ClientName: 'backend', ClientId: t.sample.backendClientId });
    expect(backend?.ClientSecret).toEqual(expect.stringMatching(/^\w{20,}$/));
    expect(
      (await t.reader.describeClient(t.sample.poolId, t.sample.webClientId))?.ClientSecret,
    ).toBeUndefined();
    expect(await t.reader.describeClient(t.sample.poolId, 'nosuchclient0000000000000')).toBeUndefined();
  });

  it('describes one identity provider (undefined when missing), or says they are unsupported', async () => {
    await optional(
      t.supports.identityProviders,
      'identityProviders',
      async () => ({
        known: await t.reader.describeIdentityProvider(t.sample.poolId, 'Globex'),
        unknown: await t.reader.describeIdentityProvider(t.sample.poolId, 'NoSuchProvider'),
      }),
      ({ known, unknown }) => {
        expect(known).toMatchObject({ ProviderName: 'Globex', ProviderType: 'OIDC' });
        expect(known?.ProviderDetails).toMatchObject({ oidc_issuer: 'https://globex.example.com' });
        expect(unknown).toBeUndefined();
      },
    );
  });

  it('describes one resource server (undefined when missing), or says they are unsupported', async () => {
    const identifier = SERVERS[1] ?? '';
    await optional(
      t.supports.resourceServers,
      'resourceServers',
      async () => ({
        known: await t.reader.describeResourceServer(t.sample.poolId, identifier),
        unknown: await t.reader.describeResourceServer(t.sample.poolId, 'https://api.example.com/none'),
      }),
      ({ known, unknown }) => {
        expect(known).toMatchObject({ Identifier: identifier, Name: identifier.slice(24) });
        expect(known?.Scopes).toEqual([{ ScopeName: 'read', ScopeDescription: 'Read access' }]);
        expect(unknown).toBeUndefined();
      },
    );
  });

  it('names a missing pool on the single-entity reads too', async () => {
    const missing = `${t.sample.poolId.split('_')[0]}_NoSuchPool1`;
    const reads = [
      () => t.reader.getUser(missing, 'alice'),
      () => t.reader.listGroupsForUser(missing, 'alice'),
      () => t.reader.getGroup(missing, 'editors'),
      () => t.reader.describeClient(missing, t.sample.webClientId),
    ];
    for (const read of reads) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolNotFoundError);
      expect((error as PoolNotFoundError).poolId).toBe(missing);
    }
    const optionalReads = [
      [t.supports.identityProviders, () => t.reader.describeIdentityProvider(missing, 'Acme')],
      [t.supports.resourceServers, () => t.reader.describeResourceServer(missing, SERVERS[0] ?? '')],
    ] as const;
    for (const [supported, read] of optionalReads) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(supported ? PoolNotFoundError : ComponentUnsupportedError);
    }
  });
}
