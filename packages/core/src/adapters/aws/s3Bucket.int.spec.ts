import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createBucket, S3RVER_CREDENTIALS, type S3rver, startS3rver } from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBucket } from './s3Bucket.js';
import { createS3Client } from './s3Client.js';

let server: S3rver;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

interface Sent {
  command: string;
  body: string;
}

/** An S3 client that records each request's command and body as it goes on the wire (an observer). */
function observedClient(): { client: S3Client; sent: Sent[] } {
  const client = createS3Client({ endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
  const sent: Sent[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      sent.push({ command: context.commandName ?? '', body: typeof body === 'string' ? body : '' });
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'observeRequests' },
  );
  return { client, sent };
}

const encryptionRequests = (sent: Sent[]) => sent.filter((s) => s.command === 'PutBucketEncryptionCommand');

describe('ensureBucket on s3rver', () => {
  it('gives a bucket it creates SSE-KMS with the key as its default encryption', async () => {
    const { client, sent } = observedClient();
    try {
      const kmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/backup';
      const result = await ensureBucket(client, 'new-with-key', { kmsKeyId });
      expect(result.created).toBe(true);
      await client.send(new HeadBucketCommand({ Bucket: 'new-with-key' }));
      const [request, ...more] = encryptionRequests(sent);
      expect(more).toEqual([]);
      expect(request?.body).toContain('<SSEAlgorithm>aws:kms</SSEAlgorithm>');
      expect(request?.body).toContain(`<KMSMasterKeyID>${kmsKeyId}</KMSMasterKeyID>`);
    } finally {
      client.destroy();
    }
  });

  it('gives a bucket it creates without a key SSE-S3 as its default encryption', async () => {
    const { client, sent } = observedClient();
    try {
      await ensureBucket(client, 'new-without-key');
      const [request] = encryptionRequests(sent);
      expect(request?.body).toContain('<SSEAlgorithm>AES256</SSEAlgorithm>');
      expect(request?.body).not.toContain('KMSMasterKeyID');
    } finally {
      client.destroy();
    }
  });

  it('leaves the default encryption of a bucket that exists alone (its owner may have chosen SSE-KMS)', async () => {
    const { client, sent } = observedClient();
    try {
      await createBucket(client, 'theirs');
      const result = await ensureBucket(client, 'theirs');
      expect(result.created).toBe(false);
      expect(encryptionRequests(sent)).toEqual([]);
      expect(sent.map((s) => s.command)).toContain('PutPublicAccessBlockCommand');
    } finally {
      client.destroy();
    }
  });
});
