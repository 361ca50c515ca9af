import type { Operation } from './operation.js';
import { clientOperations } from './ops/clients.js';
import { identityProviderOperations, resourceServerOperations } from './ops/federation.js';
import { groupOperations } from './ops/groups.js';
import { hostedUiOperations } from './ops/hostedUi.js';
import { poolSettingOperations } from './ops/poolSettings.js';
import { poolOperations } from './ops/pools.js';
import { userOperations } from './ops/users.js';

/** Every operation the fake implements, by its X-Amz-Target name. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  Object.entries({
    ...poolOperations,
    ...poolSettingOperations,
    ...userOperations,
    ...groupOperations,
    ...clientOperations,
    ...identityProviderOperations,
    ...resourceServerOperations,
    ...hostedUiOperations,
  }),
);
