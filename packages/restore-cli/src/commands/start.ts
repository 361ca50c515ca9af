import { resolve } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { parseDuration } from '../local/stack/duration.js';
import { DEFAULT_PORT, type LocalStack, startLocalStack } from '../local/stack/localStack.js';
import { shownPath, stackBanner } from '../local/stack/stackBanner.js';
import type { StackStoreKind } from '../local/stack/stackStore.js';
import type { CommandContext } from './context.js';

export interface StartOptions {
  dir: string;
  port?: string;
  store?: string;
  snapshotEvery?: string;
  archiveEvery?: string;
  reconcileEvery?: string;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidInputError(
      `--port ${JSON.stringify(value)} is not a port (0-65535; 0 picks a free one)`,
    );
  return port;
}

function parseStoreKind(value: string | undefined): StackStoreKind {
  if (value === undefined || value === 'directory' || value === 'aws') return value ?? 'directory';
  throw new InvalidInputError(
    `--store ${JSON.stringify(value)}: the local stack's store is "directory" (<dir>/store) or "aws" (dynalite + s3rver)`,
  );
}

const clockTime = () => new Date().toISOString().slice(11, 19);

/** Resolves on the first Ctrl-C or SIGTERM; a second one while stopping ends the process at once. */
function stopRequested(ctx: CommandContext): Promise<string> {
  return new Promise((resolveSignal) => {
    const first = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', first);
      process.removeListener('SIGTERM', first);
      const now = () => {
        ctx.io.err(
          'stopping at once: events still queued are not captured (a reconcile at the next start reads them)',
        );
        process.exit(130);
      };
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      resolveSignal(signal);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

/**
 * `restore-cli start` (`pnpm start`): the whole pipeline on this machine until Ctrl-C, with the
 * Cognito endpoint on a stable port so clients and scripts can be pointed at it once.
 */
export async function startCommand(options: StartOptions, ctx: CommandContext): Promise<void> {
  const dir = resolve(ctx.cwd, options.dir);
  const log = (line: string) => ctx.io.out(`${clockTime()} ${line}`);
  const stack: LocalStack = await startLocalStack({
    dir,
    port: parsePort(options.port),
    store: parseStoreKind(options.store),
    snapshotEveryMs: parseDuration(options.snapshotEvery ?? '60s', '--snapshot-every'),
    archiveEveryMs: parseDuration(options.archiveEvery ?? '60s', '--archive-every'),
    reconcileEveryMs: parseDuration(options.reconcileEvery ?? '24h', '--reconcile-every'),
    clock: ctx.clock,
    onActivity: log,
    onProblem: (line) => ctx.io.err(`${clockTime()} ${line}`),
  });
  try {
    for (const line of stackBanner(stack.info, dir, ctx.cwd, await stack.pools())) ctx.io.out(line);
    ctx.io.out('');
    const signal = await stopRequested(ctx);
    ctx.io.out(
      `\n${clockTime()} ${signal}: stopping (no new calls; draining the capture queue; jobs to a checkpoint)`,
    );
  } finally {
    await stack.stop();
  }
  ctx.io.out(`${clockTime()} stopped; everything is kept in ${shownPath(ctx.cwd, dir)} for the next start`);
}
