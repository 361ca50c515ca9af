import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AwsCognitoWriter,
  createChangeLogTable,
  createDynamoClients,
  createS3Client,
  DynamoChangeLog,
  S3BlobStore,
} from '@cognito-rewind/core/adapters/aws';
import {
  createBucket,
  S3RVER_CREDENTIALS,
  startCognitoLocal,
  startDynalite,
  startS3rver,
} from '@cognito-rewind/emulators';

/** The names a deployment gives its store and its pool: the loopback servers make them as named. */
export interface DeployedNames {
  readonly bucket: string;
  readonly table: string;
  readonly poolId: string;
}

/**
 * cognito-local names a pool after its file in `.cognito/db` and fills in AWS's defaults for what the
 * file leaves out; its own ids (`local_…`) are no pool ids a configuration accepts. So the pool the
 * configuration names is made by its file, before the server starts.
 */
async function seededCognitoDir(poolId: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rewind-assets-cognito-'));
  await mkdir(join(dataDir, '.cognito', 'db'), { recursive: true });
  await writeFile(join(dataDir, '.cognito', 'db', `${poolId}.json`), '{}\n');
  return dataDir;
}

/**
 * dynalite with the change log table, s3rver with the bucket and cognito-local with the pool, each
 * under the deployment's own names, and the change log read through core's DynamoDB adapter.
 */
export async function startDeployedLoopback(names: DeployedNames) {
  const cognitoDir = await seededCognitoDir(names.poolId);
  const [dynalite, s3rver, cognito] = await Promise.all([
    startDynalite(),
    startS3rver(),
    startCognitoLocal({ dataDir: cognitoDir }),
  ]);
  const dynamo = createDynamoClients({ endpoint: dynalite.endpoint });
  await createChangeLogTable(dynamo.client, names.table);
  const s3 = createS3Client({ endpoint: s3rver.endpoint, credentials: S3RVER_CREDENTIALS });
  await createBucket(s3, names.bucket);
  const blobs = new S3BlobStore(s3, { bucket: names.bucket });
  const writer = new AwsCognitoWriter({ endpoint: cognito.endpoint });
  return {
    writer,
    changeLog: new DynamoChangeLog(dynamo.doc, { tableName: names.table, bucket: names.bucket, blobs }),
    endpoints: { s3: s3rver.endpoint, dynamodb: dynalite.endpoint, cognito: cognito.endpoint },
    async stop() {
      writer.close();
      s3.destroy();
      dynamo.client.destroy();
      await Promise.all([dynalite.stop(), s3rver.stop(), cognito.stop()]);
      await rm(cognitoDir, { recursive: true, force: true });
    },
  };
}

export type DeployedLoopback = Awaited<ReturnType<typeof startDeployedLoopback>>;
