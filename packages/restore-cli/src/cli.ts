import { type Clock, InvalidInputError, isRewindError, systemClock } from '@cognito-rewind/core';
import { Command, CommanderError, Option } from 'commander';
import { backupCommand } from './commands/backup.js';
import type { CommandContext } from './commands/context.js';
import { demoCommand } from './commands/demo.js';
import { snapshotsCommand } from './commands/snapshots.js';
import { stateCommand } from './commands/state.js';
import type { IoHost } from './io/ioHost.js';

export interface ExecOptions {
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Exit codes: 0 done, 1 the operation failed, 2 the input was wrong (nothing was changed). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

function buildProgram(ctx: CommandContext): Command {
  const program = new Command('restore-cli')
    .description('Point-in-time backup and recovery for Amazon Cognito user pools')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) })
    .showSuggestionAfterError();

  const pool = () =>
    new Option('--pool <id>', 'user pool id, e.g. us-east-1_AbCdEf123').makeOptionMandatory();
  const store = () =>
    new Option('--store <dir>', 'directory holding snapshots and the change log').makeOptionMandatory();

  program
    .command('backup')
    .description('read the whole pool into a new snapshot and record what changed since the last one')
    .addOption(pool())
    .addOption(store())
    .option('--endpoint <url>', 'Cognito endpoint (cognito-local or a VPC endpoint); default: AWS')
    .option('--region <region>', 'AWS region; default: from the pool id')
    .action(async (options) => void (await backupCommand(options, ctx)));

  program
    .command('state')
    .description('print the canonical pool state at a point in time, as JSON')
    .addOption(pool())
    .addOption(store())
    .requiredOption('--at <time>', 'ISO-8601 time with a zone (2024-06-01T10:00Z) or "now"')
    .option('--out <file>', 'write the JSON to a file instead of stdout')
    .action(async (options) => void (await stateCommand(options, ctx)));

  program
    .command('snapshots')
    .description('list the snapshots the store holds for a pool')
    .addOption(pool())
    .addOption(store())
    .option('--json', 'print the manifests as JSON')
    .action(async (options) => void (await snapshotsCommand(options, ctx)));

  program
    .command('demo')
    .description('run the whole flow on an embedded local stack (cognito-local), no AWS account needed')
    .option('--dir <dir>', 'where the local stack keeps its data', '.rewind')
    .action(async (options) => void (await demoCommand(options, ctx)));

  return program;
}

/** Runs the CLI with `args` (without node and script) and returns the exit code; never exits the process. */
export async function exec(args: string[], io: IoHost, options: ExecOptions = {}): Promise<number> {
  const ctx: CommandContext = {
    io,
    clock: options.clock ?? systemClock,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
  try {
    await buildProgram(ctx).parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: IoHost): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help) through configureOutput.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (isRewindError(error)) {
    io.err(`error: ${error.message}`);
    return error instanceof InvalidInputError ? EXIT.badInput : EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: ${message.split('\n')[0]}`);
  return EXIT.failed;
}
