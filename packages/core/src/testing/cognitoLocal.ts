import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalServiceStartError } from '../errors.js';

export interface CognitoLocalOptions {
  /** Working directory; cognito-local keeps its pools in `<dataDir>/.cognito/db`. @default a new temp dir */
  readonly dataDir?: string;
  /** Path to cognito-local's `lib/bin/start.js`. @default resolved from the installed package */
  readonly binPath?: string;
  /** How long to wait for the "running on" line (ms). @default 20000 */
  readonly startTimeoutMs?: number;
}

export interface CognitoLocal {
  readonly endpoint: string;
  readonly dataDir: string;
  /** Stops the server and waits for it to exit; a temp dir it made is removed, a given one kept. */
  stop(): Promise<void>;
}

// Without this, cognito-local makes every pool email-as-username.
const CONFIG = '{"UserPoolDefaults":{"UsernameAttributes":[]}}\n';
// pino-pretty colours its output even into a pipe: drop its ESC [ … m sequences.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const READY = /Cognito Local running on (https?:\/\/\S+)/;
const KEEP_OUTPUT = 4_000;

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

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/**
 * Starts cognito-local on a free loopback port and resolves once it says where it listens. Its data
 * persists in `dataDir`, so restarting on the same directory finds the same pools.
 */
export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cognito-local-')));
  await writeConfigIfAbsent(dataDir);
  const child = spawn(process.execPath, [options.binPath ?? defaultBin()], {
    cwd: dataDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A stray server must not outlive the process that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8').replace(ANSI, '')).slice(-KEEP_OUTPUT);
  };
  // Both pipes are drained for the server's whole life: a full pipe would block its logging.
  child.stderr?.on('data', remember);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    child.kill('SIGTERM');
    await exited(child);
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const endpoint = await waitForEndpoint(child, remember, () => output, options.startTimeoutMs ?? 20_000);
    return { endpoint, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForEndpoint(
  child: ChildProcess,
  remember: (chunk: Buffer) => void,
  output: () => string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const lastLine = () => output().trim().split('\n').pop() ?? '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new LocalServiceStartError('cognito-local', reason));
    };
    const timer = setTimeout(
      () => fail(`no "running on" line within ${timeoutMs} ms (last output: ${lastLine() || 'none'})`),
      timeoutMs,
    );
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal} (last output: ${lastLine()})`));
    child.stdout?.on('data', (chunk: Buffer) => {
      remember(chunk);
      const url = READY.exec(output())?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
  });
}
