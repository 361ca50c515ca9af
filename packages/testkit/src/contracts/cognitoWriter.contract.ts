import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoReader, CognitoWriter } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  type CognitoWriterFixture,
  createTestPool,
  type WriterTestContext,
} from './cognitoWriter.context.js';
import { coreWriterTests } from './cognitoWriter.core.js';
import { optionalWriterTests } from './cognitoWriter.optional.js';

export type { CognitoWriterFixture, CognitoWriterSupport } from './cognitoWriter.context.js';

/**
 * The behaviour every `CognitoWriter` must show, run against each Cognito endpoint we have. Each test
 * writes through the writer under test into a pool of its own and reads the effect back through the
 * real SDK client or the reader. Writes the endpoint lacks must fail with ComponentUnsupportedError.
 */
export function cognitoWriterContract(name: string, setup: () => Promise<CognitoWriterFixture>): void {
  describe(`CognitoWriter contract: ${name}`, () => {
    let fixture: CognitoWriterFixture;
    let cognito: CognitoIdentityProviderClient;
    let writer: CognitoWriter;
    let reader: CognitoReader;

    beforeAll(async () => {
      fixture = await setup();
      cognito = createCognitoClient({ endpoint: fixture.endpoint, maxAttempts: 1 });
      writer = fixture.makeWriter();
      reader = fixture.makeReader();
    });

    afterAll(async () => {
      cognito?.destroy();
      await fixture?.stop();
    });

    const context: WriterTestContext = {
      get writer() {
        return writer;
      },
      get reader() {
        return reader;
      },
      get cognito() {
        return cognito;
      },
      get supports() {
        return fixture.supports;
      },
      newPool: () => createTestPool(cognito),
    };

    coreWriterTests(context);
    optionalWriterTests(context);
  });
}
