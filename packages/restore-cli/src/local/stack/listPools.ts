import {
  type CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Every pool on the endpoint (ListUserPools, page by page): the local stack watches them all, as a
 * deployment watches the pools it is configured with.
 */
export async function listPools(client: CognitoIdentityProviderClient): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    for (const pool of page.UserPools ?? []) if (pool.Id !== undefined) ids.push(pool.Id);
    NextToken = page.NextToken;
  } while (NextToken !== undefined);
  return ids.sort();
}
