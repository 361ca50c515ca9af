import { SETTINGS } from '@cognito-rewind/core';
import { HANDLER_SERVICE_NAMES, METRICS_NAMESPACE } from '@cognito-rewind/handlers';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, functionBundle } from '../bundles.js';
import type { RewindConfig } from '../config/rewindConfig.js';
import type { StoreRefs } from './storeRefs.js';

export interface RewindFunctionProps {
  readonly name: FunctionName;
  readonly config: RewindConfig;
  readonly store: StoreRefs;
  /** Where the handlers' bundles are (`bundle/<name>/index.mjs`). */
  readonly bundleDir: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Runs at once at most; schedules take 1, so two ticks never work on one pool side by side. */
  readonly reservedConcurrency?: number;
  readonly environment?: Record<string, string>;
}

/**
 * One of the four functions: the handlers' esbuild bundle (made locally, no Docker) on Node.js 22,
 * arm64, with its own role (granted by `grantFunction`), its own log group with a retention, and
 * the store's settings under the variable names core's settings table gives them.
 */
export class RewindFunction extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: RewindFunctionProps) {
    super(scope, id);
    const { config, store, name } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.retention.logDays as logs.RetentionDays,
      // The handlers log no personal data (names are redacted) and no secrets: no key of its own.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of its own with only its log group, not AWSLambdaBasicExecutionRole (logs anywhere).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Cognito Rewind ${name} function`,
    });
    logGroup.grantWrite(role);
    this.fn = new lambda.Function(this, 'Function', {
      role,
      description: `Cognito Rewind ${name}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(functionBundle(props.bundleDir, name)),
      timeout: props.timeout,
      memorySize: props.memorySize,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        [SETTINGS.bucket.variable]: store.bucket.bucketName,
        [SETTINGS.table.variable]: store.table.tableName,
        ...(config.prefix === undefined ? {} : { [SETTINGS.prefix.variable]: config.prefix }),
        ...(store.key === undefined ? {} : { [SETTINGS.kmsKeyId.variable]: store.key.keyArn }),
        [SETTINGS.poolIds.variable]: config.pools.join(','),
        [SETTINGS.personalDataRetentionDays.variable]: String(config.retention.personalDataDays),
        // The names the handlers' metric table gives: the alarms match these dimensions exactly.
        POWERTOOLS_SERVICE_NAME: HANDLER_SERVICE_NAMES[name],
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // The bundles ship linked source maps: stack traces name the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
  }
}
