import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Clock } from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoFake } from './cognitoFake/index.js';
import {
  CORE_COMPONENTS_ONLY,
  type CognitoSupport,
  type Sample,
  seedSamplePool,
} from './contracts/cognitoReader.sample.js';

export interface SamplePoolOnFake {
  cognito: CognitoIdentityProviderClient;
  /** Reads in pages of 2, so every paginated path is followed. */
  reader: AwsCognitoReader;
  sample: Sample;
  stop(): Promise<void>;
}

/**
 * The contract suites' sample pool on the in-memory Cognito, in pages of 2, on the test's own clock
 * (Cognito's dates move with it): the common ground of the specs that change a pool and read it back.
 */
export async function startSamplePoolOnFake(
  clock: Clock,
  supports: CognitoSupport = CORE_COMPONENTS_ONLY,
): Promise<SamplePoolOnFake> {
  const running = await startCognitoFake({ pageSize: 2, now: clock.now });
  const cognito = createCognitoClient({ endpoint: running.endpoint, region: 'us-east-1', baseDelayMs: 1 });
  const sample = await seedSamplePool(cognito, supports);
  return {
    cognito,
    reader: new AwsCognitoReader(cognito, { pageSize: 2 }),
    sample,
    stop: async () => {
      cognito.destroy();
      await running.stop();
    },
  };
}
