import { type Clock, InvalidInputError, isRewindError, systemClock } from '@cognito-rewind/core';
import { Command, CommanderError, Option } from 'commander';
import { auditCommand, auditHistoryCommand, historyOptions } from './commands/audit.js';
import { addAuditSummary } from './commands/auditSummary.js';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { reconcileCommand } from './commands/reconcile.js';
import { restoreCommand } from './commands/restore.js';
import { snapshotsCommand } from './commands/snapshots.js';
import { startCommand } from './commands/start.js';
import { stateCommand } from './commands/state.js';
import { storeInitCommand } from './commands/storeInit.js';
import { verifyCommand } from './commands/verify.js';
import type { CommandContext } from './io/commandContext.js';
import { refuseFlagsAsValues } from './io/flagValues.js';
import type { IoHost } from './io/ioHost.js';
import { AT_HELP } from './io/parseTime.js';
import { applyLocal, type LocalCapable } from './local/stack/localTarget.js';
import { addStoreOptions } from './store/storeOptions.js';

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
    // A subcommand's options are its own: `audit history --user x` and `audit summary --since t` take
    // flags `audit` also has, and only flags before a subcommand's name belong to its parent.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) })
    .showSuggestionAfterError();

  // Required, but checked by the command: a --deployment that keeps one pool gives it.
  const pool = () =>
    new Option(
      '--pool <id>',
      'user pool id, e.g. us-east-1_AbCdEf123 (required unless the --deployment keeps one pool)',
    );

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  // `--local` becomes the stack's store (and, for commands that call Cognito, its endpoint).
  const local = <O extends LocalCapable>(options: O, cognito: boolean) =>
    applyLocal(options, ctx, { cognito });
  addStoreOptions(program.command('restore', { isDefault: true }))
    .description('put a pool back as it was at a point in time: plan, dry run, apply (the default command)')
    .addOption(pool())
    .option('--at <time>', `the time to go back to: ${AT_HELP}`)
    .option('--endpoint <url>', 'Cognito endpoint (cognito-local or a VPC endpoint); default: AWS')
    .option('--region <region>', 'AWS region; default: from the pool id')
    .option(
      '--target-pool <id>',
      'restore into this existing pool instead (e.g. a fresh pool in another region)',
    )
    .option('--create-pool <name>', 'create a pool with the configuration recorded at T and restore into it')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--yes', 'apply without asking')
    .option('--exact', 'make the pool exactly its state at T: also delete what did not exist then')
    .option(
      '--only <parts>',
      'restore only these parts, comma-separated: users,groups,memberships,pool,mfa,clients,identity-providers,resource-servers,domain,ui,risk,tags',
    )
    .option('--user <username>', 'restore only this user (repeatable)', collect)
    .option('--group <name>', 'restore only this group and its memberships (repeatable)', collect)
    .option('--revert <change id>', 'put one entity back to its state just before this change record')
    .option('--format <format>', 'plan and report as table or json', 'table')
    .option('--report <dir>', 'where restore-report-<time>.json and the ledgers go', '.')
    .option('--notify', 'let Cognito send re-created users an invitation (default: no email or SMS)')
    .option(
      '--rate <category=rps>',
      'requests per second for a quota category you raised, e.g. UserCreation=100 (repeatable)',
      collect,
    )
    .option('--concurrency <n>', 'entities worked on at once', '16')
    .action(async (options) => {
      const resolved = await local(options, true);
      const outcome = await restoreCommand(resolved.options, resolved.ctx);
      if (outcome.exitCode !== 0) throw new RestoreFailed(outcome.exitCode);
    });

  addStoreOptions(program.command('backup'))
    .description('read the whole pool into a new snapshot and record what changed since the last one')
    .addOption(pool())
    .option('--endpoint <url>', 'Cognito endpoint (cognito-local or a VPC endpoint); default: AWS')
    .option('--region <region>', 'AWS region; default: from the pool id')
    .action(async (options) => {
      const resolved = await local(options, true);
      await backupCommand(resolved.options, resolved.ctx);
    });

  addStoreOptions(program.command('state'))
    .description('print the canonical pool state at a point in time, as JSON')
    .addOption(pool())
    .requiredOption('--at <time>', `the time of the state: ${AT_HELP}`)
    .option('--out <file>', 'write the JSON to a file instead of stdout')
    .action(async (options) => {
      const resolved = await local(options, false);
      await stateCommand(resolved.options, resolved.ctx);
    });

  addStoreOptions(program.command('snapshots'))
    .description('list the snapshots the store holds for a pool')
    .addOption(pool())
    .option('--json', 'print the manifests as JSON')
    .action(async (options) => {
      const resolved = await local(options, false);
      await snapshotsCommand(resolved.options, resolved.ctx);
    });

  addStoreOptions(program.command('verify'))
    .description('check every snapshot, change record chain and delta segment of a pool; exit 1 on any break')
    .addOption(pool())
    .option('--json', 'print the report as JSON')
    .action(async (options) => {
      const resolved = await local(options, false);
      const report = await verifyCommand(resolved.options, resolved.ctx);
      if (report.problems.length > 0) throw new RestoreFailed(EXIT.failed);
    });

  const audit = addStoreOptions(program.command('audit'))
    .description(
      'who changed what, when: calls Cognito received (failed ones too) and changes no call explains',
    )
    .enablePositionalOptions()
    .addOption(pool())
    .option('--user <username or sub>', "only this user's changes")
    .option('--group <name>', "only this group's changes (memberships are the users')")
    .option('--entity <key>', 'only this entity: user:<name>, group:<name>, client:<id>, pool, …')
    .option(
      '--actor <ARN or part>',
      'only calls by this caller: a full ARN exactly, anything else as a part of it',
    )
    .option('--access-key <id>', 'only calls signed with this access key')
    .option('--event <EventName>', 'only this Cognito event, e.g. AdminDeleteUser (repeatable)', collect)
    .option('--ip <address>', 'only calls from this source IP')
    .option('--source <source>', 'only changes from cloudtrail, reconcile, restore or import')
    .option('--failed', 'only calls Cognito refused')
    .option('--since <time>', 'from this time (inclusive): a date or an ISO-8601 date-time with a zone')
    .option('--until <time>', 'up to this time (inclusive)')
    .option('--limit <n>', 'at most n rows, then print a --cursor to continue')
    .option('--cursor <cursor>', 'continue after the last row of an earlier --limit run')
    .option('--format <format>', 'table, json, ndjson or csv', 'table')
    .action(async (options) => {
      const resolved = await local(options, false);
      await auditCommand(resolved.options, resolved.ctx);
    });
  addStoreOptions(audit.command('history'))
    .description("one user's life: each change in the order the log learnt it, with the state after it")
    .addOption(pool())
    .option('--user <username or sub>', 'the user')
    .option('--group <name>', 'a group instead')
    .option('--entity <key>', 'any entity instead: client:<id>, pool, …')
    .option('--format <format>', 'table, json, ndjson or csv', 'table')
    .action(async (options) => {
      // Flags given before `history` (`audit --pool p history --user u`) are `audit`'s: take them too.
      const resolved = await local(historyOptions(audit.opts(), options), false);
      await auditHistoryCommand(resolved.options, resolved.ctx);
    });
  addAuditSummary(audit, ctx);

  const store = program.command('store').description('set up where backups live');
  addStoreOptions(store.command('init'))
    .description('create the AWS store: the change log table with its indexes, and the bucket if missing')
    .action(async (options) => {
      const resolved = await local(options, false);
      await storeInitCommand(resolved.options, resolved.ctx);
    });

  addStoreOptions(program.command('reconcile'))
    .description(
      'read the whole pool now and record what the change log missed (drift, new entities, deletes), to the end',
    )
    .addOption(pool())
    .option('--endpoint <url>', 'Cognito endpoint (cognito-local or a VPC endpoint); default: AWS')
    .option('--region <region>', 'AWS region; default: from the pool id')
    .option('--json', 'print the result as JSON')
    .action(async (options) => {
      const resolved = await local(options, true);
      const result = await reconcileCommand(resolved.options, resolved.ctx);
      if (!result.done) throw new RestoreFailed(EXIT.failed);
    });

  program
    .command('start')
    .description(
      'run the whole pipeline locally until Ctrl-C: cognito-local behind a CloudTrail tap, capture, snapshots, archive, reconcile',
    )
    .option('--dir <dir>', 'where the local stack keeps its data (default: REWIND_LOCAL_DIR, else .rewind)')
    .option('--port <port>', 'the Cognito endpoint port (0: a free one)', '9229')
    .option(
      '--store <kind>',
      'directory (<dir>/store) or aws (DynamoDB + S3 adapters on dynalite + s3rver)',
      'directory',
    )
    .option('--snapshot-every <duration>', 'how often the snapshot handler runs', '60s')
    .option('--archive-every <duration>', 'how often the archive handler runs', '60s')
    .option('--reconcile-every <duration>', 'how long after a reconcile of a pool the next one is due', '24h')
    .option(
      '--event-delay <duration>',
      'how long each event is held before capture receives it (CloudTrail takes about 5m)',
      '0',
    )
    .option(
      '--event-order <order>',
      'in-order, or shuffled: events due at about the same time reach capture in a random order',
      'in-order',
    )
    .action(async (options) => void (await startCommand(options, ctx)));

  program
    .command('demo')
    .description('run the whole flow on an embedded local stack (cognito-local), no AWS account needed')
    .option(
      '--dir <dir>',
      "where the demo's stack keeps its data, apart from start's (default: .rewind/demo)",
    )
    .action(async (options) => void (await demoCommand(options, ctx)));

  refuseFlagsAsValues(program);
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

/** A restore that ran but did not do everything it planned: already reported, exit 1. */
class RestoreFailed extends Error {
  constructor(readonly exitCode: number) {
    super('restore incomplete');
  }
}

function reportError(error: unknown, io: IoHost): number {
  if (error instanceof RestoreFailed) return error.exitCode;
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
