import { changeLogTableDefinition, EXPIRY_ATTRIBUTE } from '@cognito-rewind/core/adapters/aws';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * The change log table, made from core's own definition (`changeLogTableDefinition`, the one
 * `store init` creates): keys, every index the adapters query and their projections come from
 * there, so the deployed table cannot drift from what the code reads. On-demand, point-in-time
 * recovery, deletion protection, retained when the stack goes, TTL on the trail's personal data.
 */
export function changeLogTable(
  scope: Construct,
  id: string,
  key: kms.IKey | undefined,
  tableName?: string,
): dynamodb.TableV2 {
  const definition = changeLogTableDefinition('unused');
  const attribute = (name: string): dynamodb.Attribute => {
    const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    if (type !== 'S') throw new Error(`core's change log table defines ${name} as ${type}, not a string`);
    return { name, type: dynamodb.AttributeType.STRING };
  };
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (hash === undefined || range === undefined)
      throw new Error("core's change log key schema has no hash and range key");
    return { partitionKey: attribute(hash), sortKey: attribute(range) };
  };
  const projection = (type: string | undefined): dynamodb.ProjectionType => {
    if (type === 'ALL') return dynamodb.ProjectionType.ALL;
    if (type === 'KEYS_ONLY') return dynamodb.ProjectionType.KEYS_ONLY;
    throw new Error(`core's change log table uses projection ${type}, which infra does not map`);
  };
  return new dynamodb.TableV2(scope, id, {
    ...(tableName === undefined ? {} : { tableName }),
    ...keys(definition.KeySchema),
    billing: dynamodb.Billing.onDemand(),
    encryption:
      key === undefined
        ? dynamodb.TableEncryptionV2.awsManagedKey()
        : dynamodb.TableEncryptionV2.customerManagedKey(key),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    timeToLiveAttribute: EXPIRY_ATTRIBUTE,
    globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
      indexName: index.IndexName as string,
      ...keys(index.KeySchema),
      projectionType: projection(index.Projection?.ProjectionType),
    })),
    localSecondaryIndexes: (definition.LocalSecondaryIndexes ?? []).map((index) => ({
      indexName: index.IndexName as string,
      sortKey: keys(index.KeySchema).sortKey,
      projectionType: projection(index.Projection?.ProjectionType),
    })),
  });
}
