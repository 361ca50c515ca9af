// What other packages and users of core need, by name, one group per room (see README's module list).
// The adapters are subpath exports: `@cognito-rewind/core/adapters/{aws,local,memory}`.

// Async iterables
export { readAllBytes, toArray } from './asyncIterables.js';
// Audit: who changed what, when (the query model over the event trail and the change log)
export {
  type AuditPosition,
  compareAuditPositions,
  decodeAuditCursor,
  encodeAuditCursor,
} from './audit/auditCursor.js';
export { type AuditPage, type AuditReads, auditPages } from './audit/auditPages.js';
export {
  AUDIT_LIMIT_MAX,
  type AuditFilter,
  type AuditIndex,
  type AuditPlan,
  checkAuditQuery,
  entityOfFlags,
  KNOWN_EVENT_NAMES,
} from './audit/auditQuery.js';
export { type AuditChange, type AuditRow, recordCaller, rowWords } from './audit/auditRow.js';
export { changeWords } from './audit/changeWords.js';
export { entityLife, type LifeStep } from './audit/entityLife.js';
export { resolveUser } from './audit/resolveUser.js';
// Backup: the full backup and the hourly compaction
export {
  type CompactDeps,
  type CompactOptions,
  compactFromLog,
  compactIfChanged,
  compactSnapshot,
} from './backup/compactSnapshot.js';
export { type BackupDeps, type BackupResult, takeBackup } from './backup/takeBackup.js';
// Bursts: many destructive calls by one caller in a short time, and the commands that undo them
export { type BurstClaim, burstCheckpointName, claimBurst } from './bursts/burstClaim.js';
export {
  BURST_DETAIL_TYPE,
  BURST_EVENT_SOURCE,
  type BurstEventDetail,
  burstEventDetail,
} from './bursts/burstEvent.js';
export {
  type BurstThreshold,
  burstThreshold,
  DEFAULT_BURST_THRESHOLD,
  windowMs,
} from './bursts/burstThreshold.js';
export { DESTRUCTIVE_EVENTS, isDestructive } from './bursts/destructiveEvents.js';
export { type Burst, BurstDetector, countsTowardsBurst, detectBursts } from './bursts/detectBursts.js';
export {
  MAX_NAMED_ENTITIES,
  shellWord,
  type UndoCommand,
  type UndoCommands,
  undoCommands,
} from './bursts/undoCommands.js';
export { type BurstWatchDeps, watchBursts } from './bursts/watchBursts.js';
// Capture: CloudTrail events to change records
export type { CaptureDeps } from './capture/captureDeps.js';
export { type CaptureOutcome, captureEvent } from './capture/captureEvent.js';
export {
  CATALOGUED_EVENT_NAMES,
  catalogueEntry,
  type RecordPath,
  type Touch,
} from './capture/eventCatalogue.js';
export {
  EVENT_PATTERN_MAX_CHARS,
  type EventRulePattern,
  eventRulePattern,
  eventRulePatterns,
} from './capture/eventRulePattern.js';
export {
  CLOUDTRAIL_EVENT_SOURCE,
  type CloudTrailRecord,
  type CognitoEvent,
  cloudTrailRecordSchema,
  cognitoEventSchema,
  DETAIL_TYPE_BY_EVENT_TYPE,
  EVENTBRIDGE_SOURCE,
  type ParsedCognitoEvent,
  parseCognitoEvent,
} from './capture/eventSchema.js';
export { poolOfClientFromLog } from './capture/poolOfClient.js';
export { recordTouches, type TouchedEntities } from './capture/touchedEntities.js';
export { trailEntryOf } from './capture/trailEntry.js';
// Change logs: what every log implementation shares
export { ForwardingChangeLog } from './changeLog/forwardingChangeLog.js';
export { byTimeline, inRange } from './changeLog/timeline.js';
// Change records: the record, its patch and hash chain, log positions, time ranges, journal damage
export { canonicalTime, isCanonicalTime } from './changes/canonicalTime.js';
export {
  CHANGE_SOURCES,
  type ChangeCause,
  type ChangeEvent,
  type ChangeRecord,
  type ChangeSource,
  type EntityChange,
} from './changes/changeRecord.js';
export { type Field, type Fields, fromFields, toFields } from './changes/entityFields.js';
export { sha256Hex } from './changes/hash.js';
export type { DamageSummary, JournalDamage } from './changes/journalDamage.js';
export { type AppendOutcome, LOG_ORIGIN, type LogPosition, type TimeRange } from './changes/logPosition.js';
export { changeId, type EntityHead, makeRecord, type NewChange } from './changes/makeRecord.js';
export { checkAppendable, parseStoredRecord } from './changes/recordSchema.js';
export { type ChainProblem, verifyChain } from './changes/verifyChain.js';
// Checkpoints: what long jobs keep between invocations
export type { Checkpoint } from './checkpoints/checkpoint.js';
// Clocks: the services' time
export { ServiceClock, type ServiceClockOptions, type ServiceTimeSample } from './clock/serviceClock.js';
// Reading Cognito through the CognitoReader port: a whole pool
export {
  type PoolScan,
  type ReadPoolOptions,
  readPoolState,
  type ScannedEntity,
  type ScanProgress,
} from './cognito/readPoolState.js';
// Configuration: flags, REWIND_* variables and the Lambda environment to a StoreConfig
export {
  type Deployment,
  type DeploymentSetting,
  parseDeployment,
  withDeployment,
} from './config/deployment.js';
export { DEPLOYMENT_OUTPUTS, type DeploymentOutput } from './config/deploymentOutputs.js';
export {
  lambdaStoreConfig,
  parseSetting,
  parseStoreConfig,
  readSetting,
  requireSetting,
  type SettingValue,
  settingsFromFlags,
  storeConfigFromFlags,
} from './config/parseStoreConfig.js';
export {
  type EnvironmentVariables,
  FLAG_SETTINGS,
  type FlagSetting,
  fromEnvironment,
  fromFlags,
  type GivenSetting,
  type GivenSettings,
  hasOwnAccessKey,
  SETTINGS,
  type SettingName,
} from './config/settings.js';
export type {
  AwsLocation,
  AwsStoreConfig,
  BucketStoreConfig,
  DirectoryStoreConfig,
  StoreConfig,
} from './config/storeConfig.js';
// Errors: one base class; each error names what was wrong and what to do
export {
  BeforeFirstSnapshotError,
  BlobExistsError,
  BlobNotFoundError,
  BucketNotFoundError,
  ChainBrokenError,
  ChangeLogCorruptError,
  CheckpointConflictError,
  CheckpointCorruptError,
  ClockSkewError,
  CognitoThrottledError,
  ComponentUnsupportedError,
  ConfigError,
  EndpointUnreachableError,
  EntityGoneError,
  InvalidInputError,
  isRewindError,
  LocalServiceStartError,
  PoolNotFoundError,
  RewindError,
  SnapshotCorruptError,
  SnapshotMissingError,
  SnapshotUnvouchedError,
  StoreLockedError,
  StoreNotInitializedError,
  TrailCorruptError,
  UnknownPoolError,
  VersionConflictError,
} from './errors.js';
// The store's layout: every key and path
export {
  BACKUP_ROOT,
  type ChangeJournalPaths,
  changeJournalPaths,
  isRestoreJournalName,
  restoreJournalPath,
  restoresFolder,
} from './layout/storeLayout.js';
// Model: the pool state, entity keys, canonical form, Cognito's raw shapes, the records the ports carry
export type { BlobInfo, ByteSource, Bytes } from './model/blob.js';
export {
  COLLECTION_KINDS,
  type CollectionKind,
  compareKeys,
  compareUtf8,
  type EntityKey,
  type EntityKind,
  entityKey,
  type ParsedEntityKey,
  parseEntityKey,
  SINGLETON_KINDS,
  type SingletonKind,
} from './model/entityKey.js';
export {
  canonicalStringify,
  deepEqual,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './model/json.js';
export { isPoolId, POOL_ARN_PATTERN, POOL_ID_PATTERN, poolIdSchema } from './model/poolId.js';
export {
  type ComponentCounts,
  countByKind,
  type EntityEntry,
  OPTIONAL_COMPONENTS,
  type OptionalComponent,
  type PoolStateDocument,
  toPoolDocument,
} from './model/poolState.js';
export type {
  CreateUserOptions,
  MfaFactorSetting,
  ProviderUser,
  RawAttribute,
  RawRecord,
  RawUser,
  RawUserMfa,
  UserMfaPreference,
} from './model/raw.js';
export { type JournalEntry, parseJournalEntry } from './model/restoreJournalEntry.js';
export {
  MANIFEST_FORMAT,
  SNAPSHOT_FORMAT,
  type SnapshotDigest,
  type SnapshotHeader,
  type SnapshotKind,
  type SnapshotManifest,
} from './model/snapshotFormat.js';
// Ports: what adapters implement (their values live in the rooms below)
export {
  type BlobStore,
  type ChangeLog,
  type CheckpointStore,
  type Clock,
  type CognitoReader,
  type CognitoWriter,
  type DamageSurvey,
  type DamageWatch,
  type EventTrail,
  type RestoreJournal,
  type SnapshotCatalog,
  systemClock,
} from './ports.js';
// Cognito's request quotas
export {
  type CategoryQuota,
  DEFAULT_QUOTAS,
  operationCategory,
  PER_POOL_OPERATION_RPS,
  perPoolOperationLimit,
  QUOTA_CATEGORIES,
  type QuotaCategory,
} from './quotas/cognitoQuotas.js';
// Reconcile: the resumable full read against the log
export {
  type ReconcileCounts,
  type ReconcileState,
  readReconcileState,
  type StoredReconcileState,
} from './reconcile/reconcileCheckpoint.js';
export {
  type ReconcileDeps,
  type ReconcilePoolOptions,
  type ReconcileResult,
  reconcilePool,
} from './reconcile/reconcilePool.js';
export { reconcileDue, requestReconcile } from './reconcile/reconcileSchedule.js';
// Replay: the state of a pool at a time
export type { ReplayOptions } from './replay/replayEntities.js';
export { collectState, type StateAtDeps, type StateAtResult, stateAt } from './replay/stateAt.js';
// Restore: plan, then apply, with a journal and paced to Cognito's quotas
export {
  type ActionOutcome,
  type ApplyContext,
  type ApplyDeps,
  type ApplyResult,
  applyPlan,
  type OutcomeStatus,
} from './restore/apply/applyPlan.js';
export { buildRestoreReport, type KindCounts, type RestoreReport } from './restore/apply/restoreReport.js';
export {
  type ClientLedgerEntry,
  type JournalSummary,
  type SubLedgerEntry,
  summarizeJournal,
} from './restore/journal/restoreJournal.js';
export { RateLimiter, type RateLimiterOptions } from './restore/pacing/rateLimiter.js';
export { createPoolInput } from './restore/plan/createPoolInput.js';
export { NewPoolReader, newPoolId, unconfirmedActions } from './restore/plan/newPoolReader.js';
export { identitiesOf } from './restore/plan/planMemberships.js';
export { type PlanInput, planRestore } from './restore/plan/planRestore.js';
export {
  type PrepareDeps,
  type PreparedRestore,
  prepareRestore,
  type RestoreRequest,
} from './restore/plan/prepareRestore.js';
export {
  type ActionInputs,
  actionCount,
  type EntityTask,
  type FieldChange,
  type NoteKind,
  PHASES,
  type Phase,
  RESTORE_SCOPES,
  type Request,
  type RestoreAction,
  type RestoreActionKind,
  type RestoreActionOf,
  type RestoreMode,
  type RestoreNote,
  type RestorePlan,
  type RestoreScope,
} from './restore/plan/restorePlan.js';
export { SchemaMismatchError } from './restore/plan/schemaCheck.js';
export { writableView } from './restore/plan/writableView.js';
// Delta segments: change records archived to the bucket
export { archiveRecords } from './segments/archiveRecords.js';
export { SegmentChangeLog, type SegmentChangeLogOptions } from './segments/segmentChangeLog.js';
export { segmentTime } from './segments/segmentLayout.js';
// Snapshots: the gzip NDJSON codec, the store over a blob store, the key layout
export { type EncodedSnapshot, encodeSnapshot, entityLine } from './snapshots/codec.js';
export {
  type ExpectedDigest,
  type OpenedSnapshot,
  openSnapshot,
  verifySnapshot,
} from './snapshots/decodeSnapshot.js';
export { SnapshotStore, type SnapshotSurvey } from './snapshots/snapshotStore.js';
// The store: the bundle of ports every part of the system opens
export type { FullStore, Store } from './store/store.js';
// Event trail: what capture received, queryable
export type { TrailCaller, TrailEntry, TrailOutcome, TrailPage, TrailQuery } from './trail/trailEntry.js';
export { callerKeyOf, checkRecordable, TRAIL_LIMITS } from './trail/trailSchema.js';
// Verify: the store checked end to end
export { canSurveyDamage, canWatchDamage } from './verify/storeDamage.js';
export { type VerifyDeps, type VerifyProblem, type VerifyReport, verifyPool } from './verify/verifyPool.js';
