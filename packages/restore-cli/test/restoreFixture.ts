import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type EntityKey, type JsonObject, readPoolState, writableView } from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/emulators';
import { exec } from '../src/cli.js';
import { RecordingIoHost } from '../src/io/ioHost.js';

/** cognito-local on a loopback port, a store directory, and helpers to run the CLI and read pools. */
export async function startRestoreFixture() {
  const work = await mkdtemp(join(tmpdir(), 'rewind-restore-'));
  const local = await startCognitoLocal({ dataDir: join(work, 'cognito-local') });
  const cognito = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1 });
  const reader = new AwsCognitoReader({ endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1 });
  const store = join(work, 'store');
  return {
    work,
    store,
    endpoint: local.endpoint,
    cognito: cognito as CognitoIdentityProviderClient,
    async run(...args: string[]) {
      return this.answering(undefined, ...args);
    },
    /** Runs the CLI with someone at a terminal giving these answers to its questions. */
    async answering(answers: boolean[] | undefined, ...args: string[]) {
      const io = new RecordingIoHost(answers);
      const code = await exec(args, io, { cwd: work });
      return { code, out: io.output, err: io.errors };
    },
    /** The live pool, entity key → canonical document. */
    async live(poolId: string): Promise<Map<EntityKey, JsonObject>> {
      const scan = await readPoolState(reader, poolId);
      return new Map(scan.entities.map((e) => [e.key, e.doc]));
    },
    async stop() {
      reader.close();
      cognito.destroy();
      await local.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

export type RestoreFixture = Awaited<ReturnType<typeof startRestoreFixture>>;

/** Writable views of the given kinds, keyed by entity: what a restore must reproduce. */
export function writable(
  state: ReadonlyMap<EntityKey, JsonObject>,
  kinds: readonly string[],
): Record<string, JsonObject | null> {
  const out: Record<string, JsonObject | null> = {};
  for (const [key, doc] of [...state].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const kind = key.includes(':') ? key.slice(0, key.indexOf(':')) : key;
    if (kinds.includes(kind)) out[key] = writableView(key, doc);
  }
  return out;
}
