import { InvalidInputError } from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { parseDelay, parseDuration } from '../local/stack/duration.js';
import { DELIVERY_ORDERS, type DeliveryOrder } from '../local/stack/localQueueOptions.js';
import { DEFAULT_PORT, type LocalStack, startLocalStack } from '../local/stack/localStack.js';
import { localDir } from '../local/stack/localTarget.js';
import { shownPath, stackBanner } from '../local/stack/stackBanner.js';
import type { StackStoreKind } from '../local/stack/stackStore.js';

export interface StartOptions {
  /** @default REWIND_LOCAL_DIR when set, else `.rewind`: the directory a bare `--local` reads */
  dir?: string;
  port?: string;
  store?: string;
  snapshotEvery?: string;
  archiveEvery?: string;
  reconcileEvery?: string;
  /** How long each event is held before capture can receive it. @default 0 */
  eventDelay?: string;
  /** `in-order` or `shuffled`. @default in-order */
  eventOrder?: string;
}

/** Decimal digits only: `Number` would also take "", " ", "0x50" and "1e3". */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535))
    throw new InvalidInputError(
      `--port ${JSON.stringify(value)} is not a port (a whole number 0-65535; 0 picks a free one)`,
    );
  return port;
}

function parseStoreKind(value: string | undefined): StackStoreKind {
  if (value === undefined || value === 'directory' || value === 'aws') return value ?? 'directory';
  throw new InvalidInputError(
    `--store ${JSON.stringify(value)}: the local stack's store is "directory" (<dir>/store) or "aws" (dynalite + s3rver)`,
  );
}

function parseEventOrder(value: string | undefined): DeliveryOrder {
  const order = DELIVERY_ORDERS.find((known) => known === (value ?? 'in-order'));
  if (order !== undefined) return order;
  throw new InvalidInputError(
    `--event-order ${JSON.stringify(value)}: events are delivered "in-order" (oldest first) or "shuffled" (what is due at about the same time in a random order)`,
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
          'stopping at once: events still queued stay in the capture queue and are captured at the next start',
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
  // The same directory a bare `--local` reads, so `start` and the commands pointed at it agree.
  const dir = localDir(options.dir ?? true, ctx);
  // Every option checked before anything starts.
  const settings = {
    dir,
    port: parsePort(options.port),
    store: parseStoreKind(options.store),
    snapshotEveryMs: parseDuration(options.snapshotEvery ?? '60s', '--snapshot-every'),
    archiveEveryMs: parseDuration(options.archiveEvery ?? '60s', '--archive-every'),
    reconcileEveryMs: parseDuration(options.reconcileEvery ?? '24h', '--reconcile-every'),
    eventDelayMs: parseDelay(options.eventDelay ?? '0', '--event-delay'),
    eventOrder: parseEventOrder(options.eventOrder),
  };
  const log = (line: string) => ctx.io.out(`${clockTime()} ${line}`);
  const stack: LocalStack = await startLocalStack({
    ...settings,
    clock: ctx.clock,
    onActivity: log,
    onProblem: (line) => ctx.io.err(`${clockTime()} ${line}`),
  });
  try {
    // A bare `--local` in the banner only when it means this directory in any terminal, whether or
    // not REWIND_LOCAL_DIR is set there.
    const bareLocal = localDir(true, ctx) === dir && localDir(true, { cwd: ctx.cwd, env: {} }) === dir;
    for (const line of stackBanner(stack.info, dir, ctx.cwd, await stack.pools(), bareLocal))
      ctx.io.out(line);
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
