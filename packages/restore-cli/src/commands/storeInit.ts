import { InvalidInputError } from '@cognito-rewind/core';
import {
  createChangeLogTable,
  createDynamoClients,
  createS3Client,
  ensureBucket,
} from '@cognito-rewind/core/adapters/aws';
import { awsClientOptions } from '../store/openStore.js';
import { chooseStore, type StoreOptions } from '../store/storeOptions.js';
import type { CommandContext } from './context.js';

/**
 * `restore-cli store init`: the AWS store's table (with its indexes) and bucket (encrypted, private),
 * each created only if missing. Safe to run again: an existing table is checked against the design.
 */
export async function storeInitCommand(options: StoreOptions, ctx: CommandContext): Promise<void> {
  const choice = chooseStore(options, ctx.env);
  if (choice.kind !== 'aws' || choice.table === undefined)
    throw new InvalidInputError(
      'store init needs --table <name> and --bucket <name> (a directory store needs no init)',
    );
  const clients = awsClientOptions(choice, ctx.env);
  const s3 = createS3Client(clients.s3);
  const dynamo = createDynamoClients(clients.dynamo);
  try {
    const bucket = await ensureBucket(s3, choice.bucket, {
      ...(choice.kmsKeyId === undefined ? {} : { kmsKeyId: choice.kmsKeyId }),
    });
    ctx.io.out(`bucket ${choice.bucket}: ${bucket.created ? 'created' : 'exists'}`);
    for (const skipped of bucket.skipped)
      ctx.io.err(
        `warning: the S3 endpoint does not support ${skipped}; objects are still encrypted on every put`,
      );
    const created = await createChangeLogTable(dynamo.client, choice.table);
    ctx.io.out(`table ${choice.table}: ${created ? 'created' : 'exists, matches the design'}`);
  } finally {
    s3.destroy();
    dynamo.client.destroy();
  }
}
