import { RESTORE_PERMISSIONS } from '@cognito-rewind/core/adapters/aws';
import { FUNCTION_PERMISSIONS } from '@cognito-rewind/handlers';
import type { RewindPermissions } from './constructs/cognitoRewind.js';

/**
 * The permissions as the code declares them: each function's from the handlers, a restore's from
 * core. Their own tests record what the code really sends (through a proxy in front of the loopback
 * servers) and fail when it sends something undeclared, so these lists are what the code needs.
 */
export const REWIND_PERMISSIONS: RewindPermissions = {
  functions: FUNCTION_PERMISSIONS,
  restore: RESTORE_PERMISSIONS,
};
