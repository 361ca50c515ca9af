/**
 * Cognito Rewind's CDK constructs, for a team's own CDK app: `buildRewind` deploys it as this
 * package's app does (three stacks from one checked configuration); `CognitoRewind` and the store's
 * parts can be placed in stacks of your own.
 */
export { defaultBundleDir, FUNCTION_NAMES, type FunctionName } from './bundles.js';
export {
  parseRewindConfig,
  type RewindConfig,
  RewindConfigError,
  type RewindConfigInput,
  rewindConfigSchema,
} from './config/rewindConfig.js';
export { BackupBucket, type BackupBucketProps, backupKeyPrefix } from './constructs/backupBucket.js';
export { CAPTURE_PACING, Capture, type CaptureProps } from './constructs/capture.js';
export { changeLogTable } from './constructs/changeLogTable.js';
export {
  CognitoRewind,
  type CognitoRewindProps,
  type RewindPermissions,
} from './constructs/cognitoRewind.js';
export { Monitoring, type MonitoringProps } from './constructs/monitoring.js';
export { POOL_METRICS, poolMetric } from './constructs/poolMetrics.js';
export { replicaBucketName, replicationRoleName } from './constructs/replication.js';
export { RestoreRole, type RestoreRoleProps } from './constructs/restoreRole.js';
export { RewindFunction, type RewindFunctionProps } from './constructs/rewindFunction.js';
export type { StoreRefs } from './constructs/storeRefs.js';
export { REWIND_PERMISSIONS } from './permissions.js';
export { type BuildOptions, buildRewind, type RewindStacks } from './rewindApp.js';
export { AppStack, type AppStackProps } from './stacks/appStack.js';
export { ReplicaStack, type ReplicaStackProps } from './stacks/replicaStack.js';
export { StoreStack, type StoreStackProps } from './stacks/storeStack.js';
