/**
 * Where a store is, parsed from configuration (`parseStoreConfig.ts`) and opened by `openStore`
 * (`@cognito-rewind/core/adapters`). Three kinds: a directory; the AWS store, a bucket with its
 * DynamoDB table; and the bucket alone, read back from its delta segments (what a DR region holds).
 */
export type StoreConfig = DirectoryStoreConfig | AwsStoreConfig | BucketStoreConfig;

export interface DirectoryStoreConfig {
  kind: 'directory';
  /** As given: relative paths are resolved against the working directory when opened. */
  dir: string;
}

/** The bucket's side of the AWS store, with or without its table. */
export interface AwsLocation {
  bucket: string;
  /** Key prefix inside the bucket. */
  prefix?: string;
  /**
   * SSE-KMS with this key for every object written (and, at `store init`, the table's encryption).
   * Without it the bucket's default encryption applies.
   */
  kmsKeyId?: string;
  /** @default the SDK's region resolution */
  region?: string;
  /** s3rver and dynalite in tests and the local stack. */
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  /**
   * How far the store's clock may be from the services' time before writes are refused with
   * `ClockSkewError`; under the change log's position lag (5 minutes). @default 2 minutes
   */
  clockToleranceMs?: number;
  /**
   * Days the event trail keeps an event's sourceIp and userAgent before DynamoDB's TTL deletes them.
   * @default kept until `trail.forgetPersonalData`
   */
  personalDataRetentionDays?: number;
}

/** The AWS store: the bucket of snapshots and segments, and the DynamoDB table of the change log. */
export interface AwsStoreConfig extends AwsLocation {
  kind: 'aws';
  table: string;
}

/** The bucket alone: the change log read back from its delta segments, read-only. */
export interface BucketStoreConfig extends AwsLocation {
  kind: 'aws';
  table?: undefined;
}
