import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type CallSite, mapCognitoError } from './mapCognitoError.js';
import { type Page, paginate } from './paginate.js';

/** A client plus the two things every read needs: error mapping and page following. */
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

  /** Every item of a paged listing, each page's failure mapped like any other call's. */
  pages<T>(site: CallSite, fetchPage: (token: string | undefined) => Promise<Page<T>>): AsyncIterable<T> {
    return paginate(site.operation, (token) => this.call(site, () => fetchPage(token)));
  }
}
