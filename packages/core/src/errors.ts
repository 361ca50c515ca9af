/**
 * Named errors for the whole core package. Each sets `name`, takes an optional `cause`, and carries a
 * `Symbol.for` tag so `isRewindError` still works when two copies of the package are loaded.
 */
const TAG = Symbol.for('cognito-rewind.error');

export class RewindError extends Error {
  readonly [TAG] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RewindError';
  }
}

export const isRewindError = (error: unknown): error is RewindError =>
  typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[TAG] === true;

/** Input a person or AWS handed us is not acceptable; nothing was changed. */
export class InvalidInputError extends RewindError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/** The requested time lies before anything the store covers. */
export class BeforeFirstSnapshotError extends InvalidInputError {
  constructor(
    readonly requested: string,
    readonly firstSnapshotAt: string,
  ) {
    super(`--at ${requested} is before the first snapshot of this pool (${firstSnapshotAt})`);
    this.name = 'BeforeFirstSnapshotError';
  }
}

export class UnknownPoolError extends InvalidInputError {
  constructor(readonly poolId: string) {
    super(`pool ${poolId} has no snapshots in this store`);
    this.name = 'UnknownPoolError';
  }
}

/** A snapshot's bytes do not match its manifest, or do not decode. `snapshot` names it. */
export class SnapshotCorruptError extends RewindError {
  constructor(
    readonly snapshot: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`snapshot ${snapshot} is corrupt: ${reason}`, options);
    this.name = 'SnapshotCorruptError';
  }
}

/**
 * A snapshot the store's table does not vouch for: the catalog has no record of it, or recorded another
 * manifest. Whoever can write to the bucket but not the table made or altered it, so it is treated as
 * damage (skipped, like a corrupt one) however self-consistent its bytes are.
 */
export class SnapshotUnvouchedError extends SnapshotCorruptError {
  constructor(snapshot: string, reason: string) {
    super(snapshot, reason);
    this.message = `snapshot ${snapshot} is not one the table vouches for: ${reason}`;
    this.name = 'SnapshotUnvouchedError';
  }
}

export class SnapshotMissingError extends RewindError {
  constructor(
    readonly snapshot: string,
    reason: string,
  ) {
    super(`snapshot ${snapshot} is missing: ${reason}`);
    this.name = 'SnapshotMissingError';
  }
}

export class BlobNotFoundError extends RewindError {
  constructor(readonly key: string) {
    super(`blob ${key} does not exist`);
    this.name = 'BlobNotFoundError';
  }
}

/** Blobs are write-once: a second put to the same key is refused rather than overwriting. */
export class BlobExistsError extends RewindError {
  constructor(readonly key: string) {
    super(`blob ${key} already exists; blobs are never overwritten`);
    this.name = 'BlobExistsError';
  }
}

/** Another writer appended this entity version first (optimistic concurrency on the change log). */
export class VersionConflictError extends RewindError {
  constructor(
    readonly entity: string,
    readonly version: number,
  ) {
    super(`entity ${entity} already has a record at version ${version}`);
    this.name = 'VersionConflictError';
  }
}

/** The Cognito endpoint does not implement an optional component (cognito-local answers "Unsupported"). */
export class ComponentUnsupportedError extends RewindError {
  constructor(
    readonly component: string,
    options?: { cause?: unknown },
  ) {
    super(`the Cognito endpoint does not support ${component}`, options);
    this.name = 'ComponentUnsupportedError';
  }
}

export class PoolNotFoundError extends InvalidInputError {
  constructor(
    readonly poolId: string,
    options?: { cause?: unknown },
  ) {
    super(`user pool ${poolId} does not exist at this endpoint`, options);
    this.name = 'PoolNotFoundError';
  }
}

export class EndpointUnreachableError extends RewindError {
  constructor(
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the Cognito endpoint ${endpoint}`, options);
    this.name = 'EndpointUnreachableError';
  }
}

/** A stored change journal holds a complete line that does not decode: it was edited or damaged. */
export class ChangeLogCorruptError extends RewindError {
  constructor(
    readonly journal: string,
    readonly offset: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`change journal ${journal} is damaged at byte ${offset}: ${reason}`, options);
    this.name = 'ChangeLogCorruptError';
  }
}

/** Another writer held a store's lock for longer than we were willing to wait. */
export class StoreLockedError extends RewindError {
  constructor(
    readonly lockFile: string,
    readonly holder: string,
  ) {
    super(`${lockFile} is held by ${holder}; if that process is gone, delete the lock file and retry`);
    this.name = 'StoreLockedError';
  }
}

/** Cognito answered every attempt of one call with a throttling error (TooManyRequestsException…). */
export class CognitoThrottledError extends RewindError {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Cognito throttled ${operation} on all ${attempts} attempts; retry later or raise the pool's request quota`,
      options,
    );
    this.name = 'CognitoThrottledError';
  }
}

/** A local stand-in service (cognito-local, s3rver, dynalite…) did not come up. */
export class LocalServiceStartError extends RewindError {
  constructor(
    readonly service: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} did not start: ${reason}`, options);
    this.name = 'LocalServiceStartError';
  }
}

/** An entity was deleted while it was being read (a group between ListGroups and ListUsersInGroup). */
export class EntityGoneError extends RewindError {
  constructor(
    readonly entity: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} was deleted while it was being read`, options);
    this.name = 'EntityGoneError';
  }
}

/** A chain of change records does not link up on read: a record was edited, dropped or forged. */
export class ChainBrokenError extends RewindError {
  constructor(
    readonly poolId: string,
    readonly entity: string,
    readonly recordId: string,
    readonly version: number,
    problem: string,
  ) {
    super(
      `the change log of ${entity} in ${poolId} is broken at record ${recordId} (version ${version}): ${problem}`,
    );
    this.name = 'ChainBrokenError';
  }
}

/** The store's DynamoDB table is missing: it has not been created yet (or was created elsewhere). */
export class StoreNotInitializedError extends InvalidInputError {
  constructor(
    readonly table: string,
    readonly bucket?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `table ${table} does not exist: create it with \`restore-cli store init --table ${table} --bucket ${bucket ?? '<bucket>'}\``,
      options,
    );
    this.name = 'StoreNotInitializedError';
  }
}

/** The AWS store's bucket does not exist: a store that was never initialised, or a wrong name. */
export class BucketNotFoundError extends InvalidInputError {
  constructor(
    readonly bucket: string,
    options?: { cause?: unknown },
  ) {
    super(
      `bucket ${bucket} does not exist: create the store with \`restore-cli store init --bucket ${bucket} --table <table>\``,
      options,
    );
    this.name = 'BucketNotFoundError';
  }
}

/** Another writer replaced the checkpoint since it was read: this invocation must not continue the job. */
export class CheckpointConflictError extends RewindError {
  constructor(
    readonly checkpoint: string,
    readonly expectedRevision: number | undefined,
  ) {
    super(
      expectedRevision === undefined
        ? `checkpoint ${checkpoint} already exists; another run holds it`
        : `checkpoint ${checkpoint} is no longer at revision ${expectedRevision}; another run moved it`,
    );
    this.name = 'CheckpointConflictError';
  }
}

/** A stored checkpoint does not decode: damage, never silently taken as "no checkpoint" (a fresh start). */
export class CheckpointCorruptError extends RewindError {
  constructor(
    readonly checkpoint: string,
    reason: string,
  ) {
    super(`checkpoint ${checkpoint} is damaged: ${reason}`);
    this.name = 'CheckpointCorruptError';
  }
}

/**
 * A stored trail entry (or an index line pointing at one) does not decode: damage, reported with
 * where it is, never skipped — an audit trail that silently loses entries would be trusted wrongly.
 */
export class TrailCorruptError extends RewindError {
  constructor(
    readonly where: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the event trail at ${where} is damaged: ${reason}`, options);
    this.name = 'TrailCorruptError';
  }
}

/**
 * The times this machine would write to the store cannot be vouched for within the tolerance the change
 * log's position margins absorb (`clock/serviceClock.ts`): no answer of the store's services carried
 * their time, or the answers leave it too uncertain. Nothing was written.
 */
export class ClockSkewError extends RewindError {
  constructor(
    message: string,
    /** The local clock's offset from the service's (service − local, ms), when one was measured. */
    readonly offsetMs: number | undefined,
    readonly toleranceMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClockSkewError';
  }
}

/**
 * One setting of the configuration (a flag such as `--bucket`, or a variable such as `REWIND_BUCKET`)
 * is missing or unusable. `setting` names it as it was given; the message is `<setting> <detail>`.
 */
export class ConfigError extends InvalidInputError {
  constructor(
    readonly setting: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting} ${detail}`, options);
    this.name = 'ConfigError';
  }
}
