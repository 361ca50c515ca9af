import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  type JsonObject,
  type PoolStateDocument,
  readPoolState,
  systemClock,
  toPoolDocument,
} from '@cognito-rewind/core';
import { AwsCognitoReader, createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { exec } from '../src/cli.js';
import { RecordingIoHost } from '../src/io/ioHost.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../src/local/stack/localStack.js';

/**
 * What the local-stack specs compare: the pool document `restore-cli state` prints, against the
 * document a full read of the live pool makes at the same moment (the truth).
 */

/** The CLI as a person runs it, in `cwd`, with an environment of nothing but `env`. */
export async function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd, env });
  return { code, out: io.output, err: io.errors };
}

/**
 * cognito-local moves a group's LastModifiedDate when a member is added or removed (real Cognito does
 * not, and capture re-reads only the user for membership calls): groups are compared without it, and
 * documents without the instant they describe.
 */
export function comparable(document: PoolStateDocument): Omit<PoolStateDocument, 'at'> {
  const { at: _at, ...rest } = document;
  const groups: Record<string, JsonObject> = {};
  for (const [name, group] of Object.entries(rest.groups)) {
    const { LastModifiedDate: _moved, ...kept } = group;
    groups[name] = kept;
  }
  return { ...rest, groups };
}

/** The pool as a full read finds it now. */
export async function truth(client: CognitoIdentityProviderClient, poolId: string) {
  const scan = await readPoolState(new AwsCognitoReader(client), poolId);
  return comparable(toPoolDocument(poolId, new Date().toISOString(), scan.notCaptured, scan.entities));
}

/** `restore-cli state --local --pool … --at … --out …`, read back. */
export async function stateAtViaCli(cwd: string, poolId: string, at: string, name: string) {
  const out = join(cwd, `${name}.json`);
  const result = await run(cwd, ['state', '--local', '--pool', poolId, '--at', at, '--out', out]);
  if (result.code !== 0) throw new Error(`state --local failed (${result.code}): ${result.err}`);
  return comparable(JSON.parse(await readFile(out, 'utf8')) as PoolStateDocument);
}

/** Cognito dates changes in whole seconds: one step a second keeps each state its own instant. */
export const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

/** A local stack in a fresh temporary directory (its `.rewind` inside), and an SDK client on its endpoint. */
export interface StackInTempDir {
  /** The directory commands run in: `--local` finds `<work>/.rewind`. */
  work: string;
  stack: LocalStack;
  cognito: CognitoIdentityProviderClient;
  /** Stops the client and the stack, and removes the directory. */
  stop(): Promise<void>;
}

export async function stackInTempDir(
  name: string,
  options: Omit<LocalStackOptions, 'dir' | 'port'> = {},
): Promise<StackInTempDir> {
  const work = await mkdtemp(join(tmpdir(), `rewind-${name}-`));
  const stack = await startLocalStack({ dir: join(work, '.rewind'), port: 0, ...options });
  const cognito = createCognitoClient({ endpoint: stack.cognitoEndpoint, region: stack.region });
  return {
    work,
    stack,
    cognito,
    stop: async () => {
      cognito.destroy();
      await stack.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A command's context as `exec` makes it, in `cwd`, with an environment of nothing but `env`. */
export const commandContext = (cwd: string, env: NodeJS.ProcessEnv = {}) => ({
  io: new RecordingIoHost(),
  clock: systemClock,
  env,
  cwd,
});
