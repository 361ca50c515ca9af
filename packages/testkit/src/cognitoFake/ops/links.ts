import { FakeCognitoError, invalidParameter, userNotFound, validation } from '../model/errors.js';
import type { Input, JsonObject } from '../model/input.js';
import type { OperationTable } from '../model/operation.js';
import type { PoolRecord, UserRecord } from '../model/state.js';

/** Social providers identify a user by the subject of their token: ProviderAttributeName must say so. */
const SOCIAL = new Set(['Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple']);
/** AWS: "The maximum number of federated identities linked to a user is five." */
const MAX_LINKS = 5;

/** One entry of the `identities` attribute, the JSON array Cognito keeps on a linked user. */
interface LinkedIdentity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: string | null;
  primary: boolean;
  /** Epoch milliseconds. */
  dateCreated: number;
}

interface ProviderUser {
  name: string;
  attribute: string | undefined;
  value: string;
}

/** A ProviderUserIdentifierType member; ProviderName and ProviderAttributeValue are required. */
function providerUser(input: Input, field: string): ProviderUser {
  const member = field.charAt(0).toLowerCase() + field.slice(1);
  const raw = input.optObj(field);
  if (raw === undefined) throw validation(member, null, 'Member must not be null');
  const { ProviderName: name, ProviderAttributeName: attribute, ProviderAttributeValue: value } = raw;
  if (typeof name !== 'string' || name === '') throw invalidParameter(`${field}.ProviderName is required`);
  if (typeof value !== 'string' || value === '') {
    throw invalidParameter(`${field}.ProviderAttributeValue is required`);
  }
  return { name, attribute: typeof attribute === 'string' ? attribute : undefined, value };
}

const identitiesOf = (user: UserRecord): LinkedIdentity[] => {
  const raw = user.attributes.get('identities');
  return raw === undefined ? [] : (JSON.parse(raw) as LinkedIdentity[]);
};

/** Writes the attribute back; a user with no link left has none (the fake's choice). */
function setIdentities(user: UserRecord, identities: LinkedIdentity[]): void {
  if (identities.length === 0) user.attributes.delete('identities');
  else user.attributes.set('identities', JSON.stringify(identities));
}

function linkedTo(pool: PoolRecord, providerName: string, userId: string): UserRecord | undefined {
  for (const user of pool.users.values()) {
    if (identitiesOf(user).some((i) => i.providerName === providerName && i.userId === userId)) return user;
  }
  return undefined;
}

/** The source must name an IdP of the pool, with Cognito_Subject for a social one. */
function sourceProvider(pool: PoolRecord, source: ProviderUser): JsonObject {
  if (source.name === 'Cognito') throw invalidParameter('SourceUser must be a federated user, not Cognito.');
  const provider = pool.identityProviders.get(source.name);
  if (provider === undefined) {
    throw invalidParameter(
      `SourceUser.ProviderName ${source.name} is not an identity provider of ${pool.id}.`,
    );
  }
  if (SOCIAL.has(String(provider.ProviderType)) && source.attribute !== 'Cognito_Subject') {
    throw invalidParameter('SourceUser.ProviderAttributeName must be Cognito_Subject for a social provider.');
  }
  if (source.attribute === undefined) throw invalidParameter('SourceUser.ProviderAttributeName is required.');
  return provider;
}

/** AWS: "All attributes in the DestinationUser profile must be mutable." */
function checkAllMutable(pool: PoolRecord, user: UserRecord): void {
  const immutable = pool.schema.find(
    (a) => String(a.Name).startsWith('custom:') && a.Mutable === false && user.attributes.has(String(a.Name)),
  );
  if (immutable !== undefined) {
    throw invalidParameter(`DestinationUser has the immutable attribute ${String(immutable.Name)}.`);
  }
}

export const linkOperations: OperationTable = {
  AdminLinkProviderForUser: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const destination = providerUser(input, 'DestinationUser');
      const source = providerUser(input, 'SourceUser');
      // A federated destination (an IdP user who has signed in) is out of the fake's scope.
      if (destination.name !== 'Cognito') {
        throw invalidParameter('DestinationUser.ProviderName must be Cognito in this fake.');
      }
      const provider = sourceProvider(pool, source);
      const user = state.user(pool, destination.value);
      checkAllMutable(pool, user);
      if (linkedTo(pool, source.name, source.value) !== undefined) {
        throw invalidParameter(`SourceUser ${source.name}/${source.value} is already linked to a user.`);
      }
      const identities = identitiesOf(user);
      if (identities.length >= MAX_LINKS) {
        throw new FakeCognitoError(
          'LimitExceededException',
          'A user can have at most five linked identities.',
        );
      }
      identities.push({
        userId: source.value,
        providerName: source.name,
        providerType: String(provider.ProviderType),
        issuer: null,
        primary: false,
        dateCreated: state.now().getTime(),
      });
      setIdentities(user, identities);
      user.modified = state.now();
      return {};
    },
  },
  // Removes the link of one external identity, whichever user holds it.
  AdminDisableProviderForUser: {
    run: (input, { state }) => {
      const pool = state.pool(input.str('UserPoolId'));
      const external = providerUser(input, 'User');
      if (external.name === 'Cognito') {
        throw invalidParameter('Disabling the sign-in of a local user is not supported by this fake.');
      }
      if (!pool.identityProviders.has(external.name)) {
        throw invalidParameter(`ProviderName ${external.name} is not an identity provider of ${pool.id}.`);
      }
      const user = linkedTo(pool, external.name, external.value);
      if (user === undefined) throw userNotFound();
      setIdentities(
        user,
        identitiesOf(user).filter((i) => !(i.providerName === external.name && i.userId === external.value)),
      );
      user.modified = state.now();
      return {};
    },
  },
};
