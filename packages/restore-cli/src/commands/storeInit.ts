import { hasOwnAccessKey, InvalidInputError } from '@cognito-rewind/core';
import { awsStoreClients } from '@cognito-rewind/core/adapters/aws';
import type { CommandContext } from '../io/commandContext.js';
import { initAwsStore } from '../store/initStore.js';
import { chooseAccess, storeCredentials } from '../store/storeAccess.js';
import type { StoreOptions } from '../store/storeOptions.js';

/**
 * `restore-cli store init`: the AWS store's table (with its indexes) and bucket (encrypted, private),
 * each created only if missing. Safe to run again: an existing table is checked against the design.
 */
export async function storeInitCommand(options: StoreOptions, ctx: CommandContext): Promise<void> {
  const access = chooseAccess(options, ctx, 'store-init');
  const choice = access.config;
  if (choice.kind !== 'aws' || choice.table === undefined)
    throw new InvalidInputError(
      'store init needs --table <name> and --bucket <name> (a directory store needs no init)',
    );
  const { s3, dynamo, close } = awsStoreClients(choice, {
    hasAccessKey: hasOwnAccessKey(ctx.env),
    ...storeCredentials(access),
  });
  try {
    const init = await initAwsStore({ s3, dynamo: dynamo.client }, choice);
    ctx.io.out(`bucket ${choice.bucket}: ${init.bucketCreated ? 'created' : 'exists'}`);
    for (const skipped of init.skipped)
      ctx.io.err(
        `warning: the S3 endpoint does not support ${skipped}${skipped === 'default encryption' && choice.kmsKeyId !== undefined ? '; objects still name the KMS key on every put' : ''}`,
      );
    ctx.io.out(`table ${choice.table}: ${init.tableCreated ? 'created' : 'exists, matches the design'}`);
  } finally {
    close();
  }
}
