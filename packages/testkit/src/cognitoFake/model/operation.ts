import type { Input, JsonObject } from './input.js';
import type { PageRequest } from './pagination.js';
import type { FakeState } from './state.js';
import type { RateCategory } from './throttling.js';

export interface OperationContext {
  readonly state: FakeState;
  /** The configured page size: a cap on every List operation's page. */
  readonly pageSize: number;
}

/** What one Cognito API operation does. Its quota category comes from core's table, not from here. */
export interface OperationHandler {
  run(input: Input, context: OperationContext): JsonObject;
}

/** An operation as dispatched: its handler and the quota category AWS meters it under. */
export interface Operation extends OperationHandler {
  readonly category: RateCategory;
}

export type OperationTable = Record<string, OperationHandler>;

/** A PageRequest for a List operation, its Limit checked against the operation's own maximum. */
export function pageRequest(
  input: Input,
  context: OperationContext,
  scope: string,
  limitField: 'Limit' | 'MaxResults',
  tokenField: 'PaginationToken' | 'NextToken',
  max: number,
  min = 0,
): PageRequest {
  return {
    scope,
    limit: input.optInt(limitField, min, max),
    token: input.optStr(tokenField),
    pageSize: context.pageSize,
  };
}
