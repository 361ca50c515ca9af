import { callCognito } from './targetCall.js';

/**
 * Finding the `sub` CloudTrail logs for a call about one user. CloudTrail knows it from inside
 * Cognito; the tap has to ask the target, and must ask before a call that deletes the user.
 */

type Body = Record<string, unknown>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const obj = (value: unknown): Body | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;

/** The `key` of each item of a Cognito list answer. */
const idsIn = (list: unknown, key: string): string[] =>
  (Array.isArray(list) ? list : []).flatMap((item) => str(obj(item)?.[key]) ?? []);

/** The `sub` in a Cognito attribute list (`[{ Name, Value }]`). */
export function subOfAttributes(attributes: unknown): string | undefined {
  if (!Array.isArray(attributes)) return undefined;
  for (const attribute of attributes) {
    const a = obj(attribute);
    if (a?.Name === 'sub') return str(a.Value);
  }
  return undefined;
}

/** What an access token says, read without verifying it: the target already did, or will refuse it. */
export function accessTokenClaims(token: unknown): { sub?: string; userPoolId?: string } {
  const payload = str(token)?.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims = obj(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    // The issuer ends with the pool id, on AWS and on cognito-local alike.
    const userPoolId = str(claims?.iss)?.split('/').pop();
    return { sub: str(claims?.sub), userPoolId: str(userPoolId) };
  } catch {
    return {};
  }
}

/** Which user an admin call names: `Username`, or the native user of a provider-link call. */
function usernameOf(body: Body): string | undefined {
  const direct = str(body.Username);
  if (direct !== undefined) return direct;
  for (const key of ['DestinationUser', 'User']) {
    const user = obj(body[key]);
    if (user?.ProviderName === 'Cognito') return str(user.ProviderAttributeValue);
  }
  return undefined;
}

export class SubFinder {
  /** Client id → pool id; clients never move between pools. */
  private readonly poolOfClient = new Map<string, string>();

  constructor(private readonly target: URL) {}

  /** The sub of the user a request names, looked up before it is forwarded. */
  async beforeCall(body: Body): Promise<string | undefined> {
    const username = usernameOf(body);
    if (username === undefined) return undefined;
    const poolId = str(body.UserPoolId) ?? (await this.poolIdOfClient(str(body.ClientId)));
    if (poolId === undefined) return undefined;
    const user = await callCognito(this.target, 'AdminGetUser', { UserPoolId: poolId, Username: username });
    return subOfAttributes(user?.UserAttributes);
  }

  /** Public calls name only their app client: find its pool (ListUserPools, then each pool's clients). */
  async poolIdOfClient(clientId: string | undefined): Promise<string | undefined> {
    if (clientId === undefined) return undefined;
    if (!this.poolOfClient.has(clientId)) {
      const pools = await callCognito(this.target, 'ListUserPools', { MaxResults: 60 });
      for (const poolId of idsIn(pools?.UserPools, 'Id')) {
        await this.learnClients(poolId);
        if (this.poolOfClient.has(clientId)) break;
      }
    }
    return this.poolOfClient.get(clientId);
  }

  private async learnClients(poolId: string): Promise<void> {
    const clients = await callCognito(this.target, 'ListUserPoolClients', {
      UserPoolId: poolId,
      MaxResults: 60,
    });
    for (const id of idsIn(clients?.UserPoolClients, 'ClientId')) this.poolOfClient.set(id, poolId);
  }
}

/** The sub an answer reveals: a new user (AdminCreateUser), or the tokens a challenge answer issues. */
export function subOfAnswer(answer: Body | undefined): string | undefined {
  if (answer === undefined) return undefined;
  const created = subOfAttributes(obj(answer.User)?.Attributes);
  if (created !== undefined) return created;
  return accessTokenClaims(obj(answer.AuthenticationResult)?.AccessToken).sub;
}
