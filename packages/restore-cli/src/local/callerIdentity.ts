import { createHash } from 'node:crypto';
import type { JsonObject } from './requestParameters.js';

/**
 * Who made a signed call, the way CloudTrail names an IAM user from the access key that signed the
 * request. Locally there is no IAM: the access key id is the caller, so two AWS CLI profiles (or two
 * SDK clients) with different keys are two callers, and the same key is always the same one. Only
 * the key id is read; the signature and secret never leave the request.
 */

/**
 * `AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, SignedHeaders=…,
 * Signature=…`. The key id is IAM's character set (20 upper-case letters and digits in AWS; `local`
 * for the placeholder credentials local clients sign with).
 */
const SIGV4_CREDENTIAL =
  /^AWS4-HMAC-SHA256\s+Credential=([A-Za-z0-9]{1,128})\/\d{8}\/[a-z0-9-]+\/[a-z0-9-]+\/aws4_request(?:[,\s]|$)/;

/** The access key id that signed the request, or undefined when it was not signed with SigV4. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return SIGV4_CREDENTIAL.exec(authorization.trim())?.[1];
}

/**
 * An IAM user's unique id is `AIDA` and 17 more upper-case letters and digits, fixed for the user:
 * here made from the key id, so it is stable across calls and runs.
 */
function principalIdOf(accessKeyId: string): string {
  const digest = createHash('sha256').update(accessKeyId).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AIDA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}

/** CloudTrail's `userIdentity` of a call signed with `accessKeyId`: the IAM user named after the key. */
export function iamUserIdentity(accessKeyId: string, account: string): JsonObject {
  return {
    type: 'IAMUser',
    principalId: principalIdOf(accessKeyId),
    arn: `arn:aws:iam::${account}:user/${accessKeyId}`,
    accountId: account,
    accessKeyId,
    userName: accessKeyId,
  };
}

/** What CloudTrail logs for a call it cannot attribute: public calls, token calls, unsigned ones. */
export const anonymousIdentity = (): JsonObject => ({ type: 'Unknown', principalId: 'Anonymous' });
