import { type ChildProcess, spawn } from 'node:child_process';
import { LocalServiceStartError } from '@cognito-rewind/core';

export interface ChildServerOptions {
  /** For messages: `cognito-local`, `s3rver`. */
  readonly name: string;
  /** Arguments to `node`. */
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** What the server prints once it listens, with what to resolve to (its URL, its port) as group 1. */
  readonly ready: RegExp;
  /** How the ready line is described in a timeout message. */
  readonly readyLine: string;
  readonly timeoutMs: number;
  /** Cleans what the server was given (a temp dir) after it exits. */
  readonly afterStop?: () => Promise<void>;
  /**
   * Run the server in a process group (and session) of its own. A terminal's Ctrl-C signals its whole
   * foreground process group: without this the server dies with the parent's SIGINT, before a parent
   * that drains on Ctrl-C (the local stack) is done with it. Stopping it is then `stop()`'s job alone.
   * @default false
   */
  readonly ownProcessGroup?: boolean;
}

export interface ChildServer {
  /** Group 1 of the ready line. */
  readonly ready: string;
  /** SIGTERM, wait for the exit, then `afterStop`. */
  stop(): Promise<void>;
}

const KEEP_OUTPUT = 4_000;
// pino-pretty (cognito-local) colours its output even into a pipe: drop its ESC [ … m sequences.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Preloaded into the child: its stdin is a pipe the parent never writes to, so it ends exactly when
 * the parent's end closes, which the kernel does however the parent ends (SIGKILL, a crash, a closed
 * terminal's SIGHUP), not only on the `exit` event a normal exit has. The child then stops itself as
 * `stop()` would have stopped it. Unreferenced: it never keeps a server that closed from exiting.
 */
const PARENT_WATCH = `data:text/javascript,${encodeURIComponent(
  "process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM')).on('error', () => {}).resume().unref();",
)}`;

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/**
 * Starts a local server as a child `node` process and resolves once it prints its ready line. Both
 * output pipes are drained for the server's whole life (a full pipe would block it), the last few KB
 * kept for error messages; a server that never gets ready is stopped and reported as
 * `LocalServiceStartError`; and a stray server never outlives the process that started it: it is
 * killed on the parent's `exit` event, and stops itself when the parent dies without one.
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', PARENT_WATCH, ...options.args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.ownProcessGroup === true,
  });
  // Nothing is written to it; an EPIPE after the child exited is no news.
  child.stdin?.on('error', () => {});
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8').replace(ANSI, '')).slice(-KEEP_OUTPUT);
  };
  child.stderr?.on('data', remember);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    child.kill('SIGTERM');
    await exited(child);
    await options.afterStop?.();
  };

  try {
    const ready = await waitForReady(child, remember, () => output, options);
    return { ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForReady(
  child: ChildProcess,
  remember: (chunk: Buffer) => void,
  output: () => string,
  options: ChildServerOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const lastLine = () => output().trim().split('\n').pop() ?? '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new LocalServiceStartError(options.name, reason));
    };
    const timer = setTimeout(
      () =>
        fail(
          `no "${options.readyLine}" line within ${options.timeoutMs} ms (last output: ${lastLine() || 'none'})`,
        ),
      options.timeoutMs,
    );
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal} (last output: ${lastLine()})`));
    child.stdout?.on('data', (chunk: Buffer) => {
      remember(chunk);
      const value = options.ready.exec(output())?.[1];
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}
