import { access, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startChildServer } from './childServer.js';
import { serverDirectory } from './serverDirectory.js';

export interface CognitoLocalOptions {
  /** Working directory; cognito-local keeps its pools in `<dataDir>/.cognito/db`. @default a new temp dir */
  readonly dataDir?: string;
  /** Path to cognito-local's `lib/bin/start.js`. @default resolved from the installed package */
  readonly binPath?: string;
  /** How long to wait for the "running on" line (ms). @default 20000 */
  readonly startTimeoutMs?: number;
  /**
   * Keep the server out of the caller's process group, so a terminal's Ctrl-C reaches only the
   * caller, which stops the server itself (see `ChildServerOptions.ownProcessGroup`). @default false
   */
  readonly ownProcessGroup?: boolean;
}

export interface CognitoLocal {
  readonly endpoint: string;
  readonly dataDir: string;
  /** Stops the server and waits for it to exit; a temp dir it made is removed, a given one kept. */
  stop(): Promise<void>;
}

// Without this, cognito-local makes every pool email-as-username.
const CONFIG = '{"UserPoolDefaults":{"UsernameAttributes":[]}}\n';
const READY = /Cognito Local running on (https?:\/\/\S+)/;

const defaultBin = (): string =>
  join(
    dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
    'lib',
    'bin',
    'start.js',
  );

async function writeConfigIfAbsent(dataDir: string): Promise<void> {
  const configDir = join(dataDir, '.cognito');
  await mkdir(configDir, { recursive: true });
  const config = join(configDir, 'config.json');
  try {
    await access(config);
  } catch {
    await writeFile(config, CONFIG);
  }
}

/**
 * Starts cognito-local on a free loopback port and resolves once it says where it listens. Its data
 * persists in `dataDir`, so restarting on the same directory finds the same pools.
 */
export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const data = await serverDirectory(options.dataDir, 'cognito-local-');
  const dataDir = data.path;
  await writeConfigIfAbsent(dataDir);
  const server = await startChildServer({
    name: 'cognito-local',
    args: [options.binPath ?? defaultBin()],
    cwd: dataDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEBUG: '' },
    ready: READY,
    readyLine: 'running on',
    timeoutMs: options.startTimeoutMs ?? 20_000,
    ownProcessGroup: options.ownProcessGroup,
    afterStop: data.removeIfTemporary,
  });
  return { endpoint: server.ready, dataDir, stop: server.stop };
}
