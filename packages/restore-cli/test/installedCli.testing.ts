import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStackFile, type StackInfo } from '../src/local/stack/stackFile.js';
import { killGroup, until } from './stackProcess.testing.js';

/**
 * The workspace's packages as a user gets them: packed by `pnpm pack` (workspace:* rewritten to
 * versions), installed with npm from the tarballs in a directory outside the workspace, without dev
 * dependencies, and `restore-cli` run through `node_modules/.bin` as a shell runs it.
 */

export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

const PNPM = 'pnpm@10.34.9';

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/**
 * The environment a user's shell would give. Nothing from the package manager running the tests:
 * `npm_*` settings would steer the install, and the NODE_PATH and PATH entries of its bin shims reach
 * the workspace's node_modules, where a module the tarballs fail to bring would still be found. Nor
 * REWIND_* or AWS_* settings of whoever runs them. The node running the tests comes first on the
 * PATH, for the bin's `#!/usr/bin/env node`.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(npm_|pnpm_|rewind_|aws_|node_path$|node_options$|node_env$)/i.test(name)) env[name] = value;
  const shellPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && !entry.split(sep).includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...shellPath].join(delimiter);
  return env;
}

/** Runs a program to its end and collects what it wrote; a spawn failure rejects. */
export function runProgram(
  command: string,
  args: readonly string[],
  cwd: string,
  env = userEnv(),
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

async function mustSucceed(what: string, ran: Promise<Ran>): Promise<Ran> {
  const result = await ran;
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n${result.out}\n${result.err}`);
  return result;
}

interface PackageJson {
  name: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, { default?: string }>;
}

/** The packages the registry would get: every workspace package not marked private. */
export async function publishedPackages(): Promise<{ dir: string; json: PackageJson }[]> {
  const packages = join(workspaceRoot, 'packages');
  const found: { dir: string; json: PackageJson }[] = [];
  for (const name of (await readdir(packages)).sort()) {
    const file = join(packages, name, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(await readFile(file, 'utf8')) as PackageJson;
    if (json.private !== true) found.push({ dir: join(packages, name), json });
  }
  return found;
}

/** `pnpm pack` of every published package into `dest`; the tarballs' paths. Needs `tsc -b` first. */
export async function packAll(dest: string): Promise<string[]> {
  const packages = await publishedPackages();
  for (const { dir, json } of packages) {
    const entry = json.exports?.['.']?.default ?? Object.values(json.bin ?? {})[0];
    if (entry !== undefined && !existsSync(join(dir, entry)))
      throw new Error(`${json.name}: ${entry} is missing: build first (tsc -b)`);
  }
  const filters = packages.flatMap(({ json }) => ['--filter', json.name]);
  const packed = await mustSucceed(
    'pnpm pack',
    runProgram(
      'npx',
      ['-y', PNPM, '-r', ...filters, 'pack', '--pack-destination', dest, '--json'],
      workspaceRoot,
      process.env,
    ),
  );
  const tarballs = (JSON.parse(packed.out) as { filename: string }[]).map((p) => p.filename);
  if (tarballs.length !== packages.length)
    throw new Error(`pnpm pack made ${tarballs.length} tarballs for ${packages.length} packages`);
  return tarballs;
}

/**
 * `npm install` of the tarballs together into `app` (an empty directory outside the workspace), as a
 * user installs a CLI: no dev dependencies; from npm's cache where it holds what is asked for.
 */
export async function installTarballs(app: string, tarballs: readonly string[]): Promise<void> {
  if (!relative(workspaceRoot, app).startsWith('..'))
    throw new Error(`${app} is inside the workspace: the install would see its node_modules`);
  await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'installed', private: true })}\n`);
  await mustSucceed(
    'npm install',
    runProgram(
      'npm',
      [
        'install',
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...tarballs,
      ],
      app,
    ),
  );
}

/** The installed `restore-cli`, as a shell finds it after `npm install`. */
export const installedBin = (app: string): string => join(app, 'node_modules', '.bin', 'restore-cli');

/** `restore-cli …args` of the install in `app`, run in `app`, to its end. */
export const runInstalled = (app: string, args: readonly string[]): Promise<Ran> =>
  runProgram(installedBin(app), args, app);

export interface InstalledStack {
  info: StackInfo;
  output: () => string;
  /** Ctrl-C as a terminal sends it; resolves with the exit code once the stack has stopped. */
  stop(): Promise<number | NodeJS.Signals | null>;
  /** Ends it at once, when a test failed (its servers stop themselves once it is gone). */
  kill(): void;
}

/** `restore-cli start --dir <dir> --port 0 …args` of the install, until its banner is out. */
export async function startInstalled(
  app: string,
  dir: string,
  args: readonly string[],
): Promise<InstalledStack> {
  const child: ChildProcess = spawn(installedBin(app), ['start', '--dir', dir, '--port', '0', ...args], {
    cwd: app,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job: Ctrl-C is signalled to the group.
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
  const kill = () => killGroup(child, 'SIGKILL');
  try {
    // `#!/usr/bin/env node` execs node in place: the stack's pid is the child's.
    const info = await until('stack.json of the installed restore-cli start', async () => {
      if (child.exitCode !== null) throw new Error(`start exited with ${child.exitCode}:\n${output}`);
      const read = await readStackFile(dir).catch(() => undefined);
      return read?.status === 'running' && read.pid === child.pid ? read : undefined;
    });
    await until('the banner', async () => (output.includes('Ctrl-C stops it') ? true : undefined));
    return {
      info,
      output: () => output,
      kill,
      stop: async () => {
        killGroup(child, 'SIGINT');
        return exited;
      },
    };
  } catch (error) {
    kill();
    throw error;
  }
}
