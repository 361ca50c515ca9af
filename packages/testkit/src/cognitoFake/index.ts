import { CognitoFake, type CognitoFakeOptions } from './cognitoFake.js';
import { closeServer, serveFake } from './server.js';

export {
  CognitoFake,
  type CognitoFakeOptions,
  type FakeResponse,
  type InjectedFault,
  type SeedUser,
} from './cognitoFake.js';
export { OPERATIONS } from './dispatch.js';
export { FakeCognitoError } from './model/errors.js';
export type { GroupRecord, PoolRecord, UserRecord } from './model/state.js';
export {
  AWS_DEFAULT_RATE_LIMITS,
  AWS_RATE_LIMITS_WITH_PER_POOL,
  RATE_CATEGORIES,
  type RateCategory,
  type RateLimit,
  type RateLimitConfig,
  type RateLimits,
} from './model/throttling.js';

export interface RunningCognitoFake {
  /** `http://127.0.0.1:<port>`: give it to the SDK client as `endpoint`. */
  readonly endpoint: string;
  /** The in-process handle, for seeding, fault injection and call counts. */
  readonly fake: CognitoFake;
  stop(): Promise<void>;
}

/** Starts the in-memory Cognito on a free loopback port. See SPEC.md for what it does and does not do. */
export async function startCognitoFake(options: CognitoFakeOptions = {}): Promise<RunningCognitoFake> {
  const fake = new CognitoFake(options);
  const { endpoint, server } = await serveFake(fake);
  return { endpoint, fake, stop: () => closeServer(server) };
}
