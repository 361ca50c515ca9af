import { EVENT_PATTERN_MAX_CHARS, type EventRulePattern, eventRulePatterns } from '@cognito-rewind/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';

/**
 * How capture is paced. Each event costs Cognito one to three reads (a `ListUsers` filtered by sub to
 * name the user, then `AdminGetUser`/`AdminListGroupsForUser`, or a `Get`/`Describe` of a group,
 * client or provider), one event at a time per invocation. `ListUsers` shares the UserList quota
 * (30/s per account and region, not adjustable) with reconcile's full reads, so capture is held to
 * three concurrent invocations: a burst of thousands of events drains in minutes without taking
 * the whole quota, and a throttled read fails only its record, which SQS delivers again.
 */
export const CAPTURE_PACING = {
  batchSize: 10,
  maxBatchingWindow: Duration.seconds(5),
  maxConcurrency: 3,
  timeout: Duration.seconds(60),
  /** SQS delivers a record this many times before it goes to the DLQ. */
  maxReceiveCount: 5,
} as const;

/** The CDK's form of one of core's patterns. */
export const toCdkPattern = (pattern: EventRulePattern): events.EventPattern => ({
  source: pattern.source,
  detailType: pattern['detail-type'],
  detail: pattern.detail,
});

export interface CaptureProps {
  readonly config: RewindConfig;
}

/**
 * The path from a Cognito API call to the capture function: a CloudTrail trail (created, or an
 * existing one named — without a trail EventBridge receives no API calls at all), EventBridge rules
 * built from core's catalogue (split when it outgrows the pattern size quota), an archive of what
 * they match for replays, and an SQS queue with a dead-letter queue. The function is attached by
 * `attach` once it exists.
 */
export class Capture extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rules: events.Rule[];
  readonly archives: events.Archive[];
  readonly trail: cloudtrail.Trail | undefined;
  /** The created trail's log bucket. */
  readonly trailBucket: s3.Bucket | undefined;

  constructor(scope: Construct, id: string, props: CaptureProps) {
    super(scope, id);
    const { config } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Events', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // AWS's guidance for SQS event sources: six times the function's timeout.
      visibilityTimeout: Duration.seconds(CAPTURE_PACING.timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: CAPTURE_PACING.maxReceiveCount },
    });
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const patterns = eventRulePatterns(EVENT_PATTERN_MAX_CHARS, { pools: config.pools });
    this.rules = patterns.map(
      (pattern, index) =>
        new events.Rule(this, `Rule${index + 1}`, {
          description: `Cognito API calls of the catalogue (${index + 1}/${patterns.length}) to capture`,
          eventPattern: toCdkPattern(pattern),
          targets: [
            new targets.SqsQueue(this.queue, {
              // An event EventBridge could not deliver is kept, not dropped.
              deadLetterQueue: this.deadLetterQueue,
              retryAttempts: 185,
              maxEventAge: Duration.hours(24),
            }),
          ],
        }),
    );
    this.archives = patterns.map(
      (pattern, index) =>
        new events.Archive(this, `Archive${index + 1}`, {
          sourceEventBus: bus,
          description: `Cognito API calls captured (${index + 1}/${patterns.length}), for a replay after a capture outage`,
          eventPattern: toCdkPattern(pattern),
          retention: Duration.days(config.retention.eventArchiveDays),
        }),
    );
    if (config.trail === 'create') {
      this.trailBucket = this.trailLogBucket(config);
      this.trail = this.createTrail(this.trailBucket);
    } else {
      this.trailBucket = undefined;
      this.trail = undefined;
    }
  }

  /** Hands the queue to the capture function, batch failures reported record by record. */
  attach(fn: lambda.Function): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: CAPTURE_PACING.batchSize,
        maxBatchingWindow: CAPTURE_PACING.maxBatchingWindow,
        maxConcurrency: CAPTURE_PACING.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }

  /**
   * A multi-Region trail of management write events (the first copy of management events is free),
   * log files validated, into its own bucket. CloudTrail hands EventBridge the same events.
   */
  private createTrail(bucket: s3.Bucket): cloudtrail.Trail {
    return new cloudtrail.Trail(this, 'Trail', {
      bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
    });
  }

  private trailLogBucket(config: RewindConfig): s3.Bucket {
    return new s3.Bucket(this, 'TrailLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-trail-logs',
          expiration: Duration.days(config.retention.eventArchiveDays),
          noncurrentVersionExpiration: Duration.days(7),
        },
      ],
    });
  }
}
