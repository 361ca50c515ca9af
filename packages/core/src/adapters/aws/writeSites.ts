import type { CognitoCalls } from './cognitoCalls.js';

/*
 * How each write is sent. Inputs are Cognito's own request shapes as plain data (the port's RawRecord),
 * passed through as they are: the adapter adds only the ids its method names and drops nothing.
 * Failures go through `mapCognitoError`; any other refusal keeps its Cognito name and message.
 */

/** A write whose only named resource is the pool: ResourceNotFoundException is PoolNotFoundError. */
export const poolWrite = <T>(
  calls: CognitoCalls,
  component: string,
  operation: string,
  poolId: string,
  send: () => Promise<T>,
): Promise<T> => calls.call({ component, operation, poolId }, send);

/**
 * A write to a thing inside the pool (a group, a client, a provider): ResourceNotFoundException is
 * PoolNotFoundError when the pool is gone, else the thing's own ResourceNotFoundException, passed on.
 */
export const entityWrite = <T>(
  calls: CognitoCalls,
  component: string,
  operation: string,
  poolId: string,
  send: () => Promise<T>,
): Promise<T> => calls.callInPool({ component, operation }, poolId, send);

/** Plain data cast to an SDK request type: the port hands Cognito's shapes through untyped. */
export const asInput = <T>(input: Record<string, unknown>): T => input as T;
