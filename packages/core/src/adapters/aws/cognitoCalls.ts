import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName } from './cognitoErrors.js';
import { type CallSite, mapCognitoError } from './mapCognitoError.js';
import { type Page, paginate } from './paginate.js';

const GONE = 'ResourceNotFoundException';

/** A client plus what every read needs: error mapping, page following, and telling "gone" apart. */
export class CognitoCalls {
  constructor(
    readonly client: CognitoIdentityProviderClient,
    /** Named in EndpointUnreachableError. */
    readonly endpoint: string,
    /** Items asked for per page, before the operation's own maximum caps it. */
    readonly pageSize: number,
  ) {}

  page(max: number): number {
    return Math.min(this.pageSize, max);
  }

  async call<T>(site: CallSite, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw mapCognitoError(error, site, this.endpoint);
    }
  }

  /**
   * `send`'s answer, or undefined when Cognito answers one of `absent`: documented errors that mean
   * "there is nothing here" (a deleted user, threat protection off) rather than a failure.
   */
  async callOrAbsent<T>(
    site: CallSite,
    absent: readonly string[],
    send: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      const name = errorName(error);
      if (name !== undefined && absent.includes(name)) return undefined;
      throw mapCognitoError(error, site, this.endpoint);
    }
  }

  /**
   * A read of one thing inside a pool (a client, a provider, a group's members) that may have been
   * deleted since it was listed. Cognito answers ResourceNotFoundException both for that and for a
   * deleted pool, so the pool is asked about: gone, it is PoolNotFoundError; still there, the thing
   * was deleted mid-scan and the answer is undefined, to be skipped. `absent` as in `callOrAbsent`.
   */
  async callUnlessGone<T>(
    site: CallSite,
    poolId: string,
    send: () => Promise<T>,
    absent: readonly string[] = [],
  ): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      const name = errorName(error);
      if (name !== GONE && !(name !== undefined && absent.includes(name))) {
        throw mapCognitoError(error, site, this.endpoint);
      }
      if (name === GONE) await this.describePool(poolId);
      return undefined;
    }
  }

  /**
   * A call on one thing inside a pool that must exist (a group, a client, a provider). Cognito answers
   * ResourceNotFoundException both for that thing and for the pool, so the pool is asked about: gone,
   * it is PoolNotFoundError; still there, the thing's own refusal is passed on under its Cognito name.
   */
  async callInPool<T>(site: CallSite, poolId: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (errorName(error) === GONE) await this.describePool(poolId);
      throw mapCognitoError(error, { component: site.component, operation: site.operation }, this.endpoint);
    }
  }

  /** DescribeUserPool, for its PoolNotFoundError when the pool is gone. */
  private async describePool(poolId: string): Promise<void> {
    await this.call({ component: 'pool', operation: 'DescribeUserPool', poolId }, () =>
      this.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
    );
  }

  /** Every item of a paged listing, each page's failure mapped like any other call's. */
  pages<T>(site: CallSite, fetchPage: (token: string | undefined) => Promise<Page<T>>): AsyncIterable<T> {
    return paginate(site.operation, (token) => this.call(site, () => fetchPage(token)));
  }
}
