import {
  CognitoThrottledError,
  ComponentUnsupportedError,
  EndpointUnreachableError,
  PoolNotFoundError,
} from '../../errors.js';
import {
  attemptsOf,
  errorName,
  isThrottlingError,
  isUnreachableError,
  isUnsupportedError,
} from './cognitoErrors.js';

/** Where a failed call was made: what it read, which API operation, and for which pool. */
export interface CallSite {
  /** The pool component being read, named as in `OPTIONAL_COMPONENTS` where it is one. */
  readonly component: string;
  readonly operation: string;
  /** Set when a ResourceNotFoundException can only mean the pool itself is missing. */
  readonly poolId?: string;
}

/**
 * Turns an SDK error into the named error the CLI prints. Errors it does not recognise pass through
 * unchanged, so nothing is hidden.
 */
export function mapCognitoError(error: unknown, site: CallSite, endpoint: string): unknown {
  if (isUnreachableError(error)) return new EndpointUnreachableError(endpoint, { cause: error });
  if (isUnsupportedError(error)) return new ComponentUnsupportedError(site.component, { cause: error });
  if (site.poolId !== undefined && errorName(error) === 'ResourceNotFoundException') {
    return new PoolNotFoundError(site.poolId, { cause: error });
  }
  if (isThrottlingError(error)) {
    return new CognitoThrottledError(site.operation, attemptsOf(error), { cause: error });
  }
  return error;
}
