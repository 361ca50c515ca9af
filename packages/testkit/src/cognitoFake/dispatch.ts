import { operationCategory } from '@cognito-rewind/core';
import type { Operation, OperationHandler } from './model/operation.js';
import { clientOperations } from './ops/clients.js';
import { identityProviderOperations, resourceServerOperations } from './ops/federation.js';
import { groupOperations } from './ops/groups.js';
import { hostedUiOperations } from './ops/hostedUi.js';
import { linkOperations } from './ops/links.js';
import { poolSettingOperations } from './ops/poolSettings.js';
import { poolOperations } from './ops/pools.js';
import { userOperations } from './ops/users.js';

/** A handler with its category from core's quota table; an operation missing there is a bug here. */
function withCategory([name, handler]: [string, OperationHandler]): [string, Operation] {
  const category = operationCategory(name);
  if (category === undefined) throw new Error(`${name} has no quota category in cognitoQuotas.ts`);
  return [name, { category, run: handler.run }];
}

/** Every operation the fake implements, by its X-Amz-Target name. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  Object.entries({
    ...poolOperations,
    ...poolSettingOperations,
    ...userOperations,
    ...linkOperations,
    ...groupOperations,
    ...clientOperations,
    ...identityProviderOperations,
    ...resourceServerOperations,
    ...hostedUiOperations,
  }).map(withCategory),
);
