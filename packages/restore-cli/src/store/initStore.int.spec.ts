import { createDynamoClients, createS3Client } from '@cognito-rewind/core/adapters/aws';
import {
  type Dynalite,
  S3RVER_CREDENTIALS,
  type S3rver,
  startDynalite,
  startS3rver,
} from '@cognito-rewind/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initAwsStore } from './initStore.js';
import { chooseStore } from './storeOptions.js';

let dynalite: Dynalite;
let s3rver: S3rver;

beforeAll(async () => {
  [dynalite, s3rver] = await Promise.all([startDynalite(), startS3rver()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([dynalite?.stop(), s3rver?.stop()]);
});

interface Sent {
  command: string;
  input: unknown;
}

/** Both clients, with an observer of each command's input (dynalite and s3rver keep no encryption settings). */
function observedClients() {
  const sent: Sent[] = [];
  const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  const dynamo = createDynamoClients({ endpoint: dynalite.endpoint });
  for (const stack of [s3.middlewareStack, dynamo.client.middlewareStack] as (typeof s3.middlewareStack)[])
    stack.add(
      (next, context) => async (args) => {
        sent.push({ command: context.commandName ?? '', input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'observeInputs' },
    );
  return {
    clients: { s3, dynamo: dynamo.client },
    sent,
    close: () => {
      s3.destroy();
      dynamo.client.destroy();
    },
  };
}

describe('initAwsStore', () => {
  it('encrypts the bucket and the table with the key of --kms-key-id or REWIND_KMS_KEY_ID', async () => {
    const kmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/backup';
    const choice = chooseStore(
      { bucket: 'keyed-store', table: 'keyed-store' },
      { REWIND_KMS_KEY_ID: kmsKeyId },
    );
    if (choice.kind !== 'aws' || choice.table === undefined) throw new Error('an AWS store with a table');
    const { clients, sent, close } = observedClients();
    try {
      const result = await initAwsStore(clients, { ...choice, table: choice.table });
      expect(result).toMatchObject({ bucketCreated: true, tableCreated: true });
      const input = (command: string) => sent.find((s) => s.command === command)?.input;
      expect(input('PutBucketEncryptionCommand')).toMatchObject({
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyId } },
          ],
        },
      });
      expect(input('CreateTableCommand')).toMatchObject({
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: kmsKeyId },
      });
    } finally {
      close();
    }
  });

  it("without a key: SSE-S3 for a bucket it creates, DynamoDB's own key for the table", async () => {
    const choice = chooseStore({ bucket: 'plain-store', table: 'plain-store' }, {});
    if (choice.kind !== 'aws' || choice.table === undefined) throw new Error('an AWS store with a table');
    const { clients, sent, close } = observedClients();
    try {
      await initAwsStore(clients, { ...choice, table: choice.table });
      const input = (command: string) => sent.find((s) => s.command === command)?.input;
      expect(input('PutBucketEncryptionCommand')).toMatchObject({
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
      expect(input('CreateTableCommand')).toMatchObject({ SSESpecification: { Enabled: true } });
      expect(input('CreateTableCommand')).not.toHaveProperty('SSESpecification.KMSMasterKeyId');
    } finally {
      close();
    }
  });
});
