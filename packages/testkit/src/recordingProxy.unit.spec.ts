import { describe, expect, it } from 'vitest';
import { iamActionOf, s3Action } from './recordingProxy.js';

describe('iamActionOf', () => {
  it('names a JSON-protocol call by its X-Amz-Target', () => {
    const call = (target: string) => ({ method: 'POST', url: '/', headers: { 'x-amz-target': target } });
    expect(iamActionOf('cognito-idp', call('AWSCognitoIdentityProviderService.ListUsers'))).toBe(
      'cognito-idp:ListUsers',
    );
    expect(iamActionOf('dynamodb', call('DynamoDB_20120810.PutItem'))).toBe('dynamodb:PutItem');
    expect(iamActionOf('events', call('AWSEvents.PutEvents'))).toBe('events:PutEvents');
    // Another service's target, or none, is flagged rather than guessed.
    expect(iamActionOf('dynamodb', call('AWSCognitoIdentityProviderService.ListUsers'))).toMatch(
      /^unrecognized:/,
    );
    expect(iamActionOf('cognito-idp', { method: 'POST', url: '/', headers: {} })).toMatch(/^unrecognized:/);
  });
});

describe('s3Action (path-style requests)', () => {
  it.each([
    ['GET', '/b/cognito-backup/p/snapshots/x.ndjson.gz', 's3:GetObject'],
    ['HEAD', '/b/k', 's3:GetObject'],
    ['GET', '/b?list-type=2&prefix=cognito-backup%2F', 's3:ListBucket'],
    ['GET', '/b', 's3:ListBucket'],
    ['HEAD', '/b', 's3:ListBucket'],
    ['PUT', '/b/k', 's3:PutObject'],
    ['POST', '/b/k?uploads', 's3:PutObject'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', 's3:PutObject'],
    ['POST', '/b/k?uploadId=u', 's3:PutObject'],
    ['DELETE', '/b/k?uploadId=u', 's3:AbortMultipartUpload'],
    ['DELETE', '/b/k', 's3:DeleteObject'],
    ['POST', '/b?delete', 's3:DeleteObject'],
    ['PUT', '/b', 's3:CreateBucket'],
    ['PUT', '/b?encryption', 's3:PutEncryptionConfiguration'],
    ['PUT', '/b?publicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    ['GET', '/b/k?versionId=v', 's3:GetObjectVersion'],
  ])('%s %s is %s', (method, url, action) => {
    expect(s3Action(method, url)).toBe(action);
  });

  it('flags what it cannot name: a copy (which needs GetObject on its source too), an unknown method', () => {
    expect(s3Action('PUT', '/b/k', { 'x-amz-copy-source': '/b/other' })).toMatch(/^unrecognized:/);
    expect(s3Action('PATCH', '/b/k')).toMatch(/^unrecognized:/);
  });
});
