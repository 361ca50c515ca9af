import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  type CognitoClientOptions,
  createCognitoClient,
  endpointLabel,
  endpointOfClient,
} from './cognitoClient.js';

export interface SharedClientOptions extends CognitoClientOptions {
  /** A client to share; without one the adapter makes its own from the other options. */
  readonly client?: CognitoIdentityProviderClient;
}

export interface ClientChoice<O> {
  readonly client: CognitoIdentityProviderClient;
  /** Named in EndpointUnreachableError. */
  readonly endpoint: string;
  /** Whether the adapter made the client, and so destroys it when closed. */
  readonly owns: boolean;
  readonly options: O;
}

const isClient = (value: unknown): value is CognitoIdentityProviderClient =>
  typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function';

/**
 * The client an adapter works through, from its constructor's arguments: `(client, options)` and
 * `({ client, ... })` share one, `(options)` makes one.
 */
export function chooseClient<O extends SharedClientOptions>(
  clientOrOptions: CognitoIdentityProviderClient | O | undefined,
  more: O | undefined,
): ClientChoice<O> {
  const given = isClient(clientOrOptions) ? clientOrOptions : undefined;
  const options = (given === undefined ? (clientOrOptions ?? {}) : (more ?? {})) as O;
  const shared = given ?? options.client;
  const endpoint =
    options.endpoint ??
    (shared !== undefined ? endpointOfClient(shared) : undefined) ??
    endpointLabel(options);
  return {
    client: shared ?? createCognitoClient(options),
    endpoint,
    owns: shared === undefined,
    options,
  };
}
