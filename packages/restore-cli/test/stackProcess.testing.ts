import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStackFile, type StackInfo } from '../src/local/stack/stackFile.js';

/** `restore-cli start` in a process of its own (the built bin), as a person runs it in a terminal. */

export const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

export interface StackProcess {
  child: ChildProcess;
  info: StackInfo;
  output: () => string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
}

export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `start --dir <dir> --port 0 …args` and resolves once its stack file says it serves. */
export async function startProcess(dir: string, args: readonly string[] = []): Promise<StackProcess> {
  const child = spawn(process.execPath, [bin, 'start', '--dir', dir, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job: signals go to the whole group.
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  try {
    const info = await until('stack.json of the new process', async () => {
      if (child.exitCode !== null) throw new Error(`start exited with ${child.exitCode}:\n${output}`);
      const read = await readStackFile(dir).catch(() => undefined);
      return read?.status === 'running' && read.pid === child.pid ? read : undefined;
    });
    await until('the banner', async () => (output.includes('Ctrl-C stops it') ? true : undefined));
    return { child, info, output: () => output, exited };
  } catch (error) {
    killGroup(child, 'SIGKILL');
    throw error;
  }
}

/** Signals the process's whole group (never `-0`: that would be the caller's own group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.pid <= 0) throw new Error('the process has no pid');
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
}
