import { OPERATIONS } from './dispatch.js';
import { FakeCognitoError } from './model/errors.js';
import { IdSource } from './model/ids.js';
import { Input, isObject, type JsonObject } from './model/input.js';
import { FakeState, type PoolRecord, userKey } from './model/state.js';
import { type RateLimitConfig, Throttle } from './model/throttling.js';
import { createUser } from './model/users.js';
import { createPool } from './ops/pools.js';

export interface CognitoFakeOptions {
  /** Cap on every List operation's page (AWS: 60; tests use 2 so pagination paths run). @default 60 */
  readonly pageSize?: number;
  /** Request budgets per category, optionally per pool and operation; none: no throttling. @default {} */
  readonly rateLimits?: RateLimitConfig;
  /** Seeds the id generator, so pool ids, client ids and subs repeat across runs. @default random */
  readonly seed?: number;
  /** Where creation and modification times come from. @default the system clock */
  readonly now?: () => Date;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export interface InjectedFault {
  /** Cognito's error name, e.g. `TooManyRequestsException` or `InternalErrorException`. */
  readonly type: string;
  readonly message?: string;
  /** @default 400 */
  readonly status?: number;
  /** How many of the next calls fail. @default 1 */
  readonly times?: number;
}

export interface SeedUser {
  readonly username: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly enabled?: boolean;
  readonly status?: string;
  /** Names of existing groups to add the user to. */
  readonly groups?: readonly string[];
  readonly createdAt?: Date;
}

/** The pool a request is about, for per-pool limits: its UserPoolId, or the pool of its ResourceArn. */
function poolIdOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.UserPoolId === 'string') return body.UserPoolId;
  return typeof body.ResourceArn === 'string' ? body.ResourceArn.split('userpool/')[1] : undefined;
}

export interface FakeResponse {
  status: number;
  body: JsonObject;
}

/**
 * The in-memory Cognito: state, operations, throttling, fault injection and call counts. The HTTP
 * server is a thin shell around `invoke`; tests and benchmarks may also seed and inspect it directly.
 */
export class CognitoFake {
  readonly state: FakeState;
  readonly pageSize: number;
  private readonly throttle: Throttle;
  private readonly calls = new Map<string, number>();
  private readonly throttles = new Map<string, number>();
  private readonly faults = new Map<string, { fault: InjectedFault; remaining: number }[]>();

  constructor(options: CognitoFakeOptions = {}) {
    this.pageSize = Math.max(1, Math.min(60, Math.floor(options.pageSize ?? 60)));
    this.state = new FakeState(new IdSource(options.seed), options.now ?? (() => new Date()), options.region);
    this.throttle = new Throttle(options.rateLimits);
  }

  /** Answers one API call as the HTTP endpoint would: counted, maybe faulted or throttled. */
  invoke(operation: string, body: unknown): FakeResponse {
    this.calls.set(operation, this.callCount(operation) + 1);
    try {
      this.injectFault(operation);
      const handler = OPERATIONS.get(operation);
      if (handler === undefined) {
        throw new FakeCognitoError('UnknownOperationException', `Unknown operation ${operation}`);
      }
      if (!this.throttle.tryTake(handler.category, operation, poolIdOf(body))) {
        this.throttles.set(operation, this.throttledCount(operation) + 1);
        throw new FakeCognitoError('TooManyRequestsException', `Rate exceeded for ${handler.category}`);
      }
      if (!isObject(body))
        throw new FakeCognitoError('SerializationException', 'The request body is not an object');
      return { status: 200, body: handler.run(new Input(body), this) };
    } catch (error) {
      if (error instanceof FakeCognitoError) {
        return { status: error.status, body: { __type: error.type, message: error.message } };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { status: 500, body: { __type: 'InternalErrorException', message } };
    }
  }

  /** Runs an operation in process: no counting, throttling or faults; errors are thrown. */
  call(operation: string, input: JsonObject): JsonObject {
    const handler = OPERATIONS.get(operation);
    if (handler === undefined)
      throw new FakeCognitoError('UnknownOperationException', `Unknown operation ${operation}`);
    return handler.run(new Input(input), this);
  }

  /** Calls of an operation over HTTP so far, failed ones included. */
  callCount(operation: string): number {
    return this.calls.get(operation) ?? 0;
  }

  /** Calls of an operation answered TooManyRequestsException by a rate bucket. */
  throttledCount(operation: string): number {
    return this.throttles.get(operation) ?? 0;
  }

  resetCounts(): void {
    this.calls.clear();
    this.throttles.clear();
  }

  /** Makes the next `times` calls of `operation` answer the given error. */
  failNext(operation: string, fault: InjectedFault): void {
    const queue = this.faults.get(operation) ?? [];
    queue.push({ fault, remaining: fault.times ?? 1 });
    this.faults.set(operation, queue);
  }

  /** Drops every injected fault not yet used. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Replaces the rate limits; every bucket starts full. */
  setRateLimits(limits: RateLimitConfig): void {
    this.throttle.configure(limits);
  }

  /** CreateUserPool in process; returns the pool id. */
  createPool(input: JsonObject): string {
    return createPool(this.state, new Input(input)).id;
  }

  /** Adds users straight into a pool (fast: 100,000 in well under a second), with all of Cognito's checks. */
  seedUsers(poolId: string, users: Iterable<SeedUser>): void {
    const pool = this.state.pool(poolId);
    for (const seed of users) {
      const user = createUser(this.state, pool, {
        username: seed.username,
        attributes: Object.entries(seed.attributes ?? {}),
        enabled: seed.enabled,
        status: seed.status ?? 'CONFIRMED',
        createdAt: seed.createdAt,
      });
      const key = userKey(pool, user.username);
      for (const name of seed.groups ?? []) {
        this.state.group(pool, name).members.set(key, key);
        user.groups.add(name);
      }
    }
  }

  /** The live record of a pool, for inspection; undefined when there is none. */
  pool(poolId: string): PoolRecord | undefined {
    return this.state.pools.get(poolId);
  }

  private injectFault(operation: string): void {
    const queue = this.faults.get(operation);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    const { type, message, status } = next.fault;
    throw new FakeCognitoError(type, message ?? `Injected ${type}`, status ?? 400);
  }
}
