import type { Input, JsonObject } from './input.js';
import type { PageRequest } from './pagination.js';
import type { FakeState } from './state.js';
import type { RateCategory } from './throttling.js';

export interface OperationContext {
  readonly state: FakeState;
  /** The configured page size: a cap on every List operation's page. */
  readonly pageSize: number;
}

/** One Cognito API operation: its quota category and what it does. */
export interface Operation {
  readonly category: RateCategory;
  run(input: Input, context: OperationContext): JsonObject;
}

export type OperationTable = Record<string, Operation>;

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
