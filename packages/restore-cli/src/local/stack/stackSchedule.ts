import type { ArchiveRunResult, SnapshotHandler, SnapshotRunResult } from '@cognito-rewind/handlers';
import { errorText } from './errorText.js';
import { SerialJobs } from './serialJobs.js';
import type { StackHandlers } from './stackHandlers.js';
import { describeArchives, describeReconciles, describeSnapshots } from './stackReport.js';

export interface ScheduleOptions {
  snapshotEveryMs: number;
  archiveEveryMs: number;
  /** How long after a finished reconcile the next one is due (`reconcileDue`'s `every`). */
  reconcileEveryMs: number;
  /** How often the reconcile handler runs (it reconciles what is due) and new pools are looked for. */
  pollEveryMs: number;
}

export interface ScheduleDeps {
  handlers: StackHandlers;
  pools: () => Promise<string[]>;
  activity: (line: string) => void;
  problem: (line: string) => void;
  /**
   * Waited for before the startup reads: the events an earlier run accepted and did not capture.
   * Captured first, they are recorded with their events; a full read before them would record
   * their changes as drift of no known cause, and capture would then find nothing new.
   */
  beforeStartup?: () => Promise<void>;
  /** Damage of the store found since the last call, a line each (`watchDamage`): a problem to report. */
  damage?: () => Promise<string[]>;
}

/** The stack's scheduled jobs, and the same jobs on demand. */
export interface StackSchedule {
  snapshotNow(): Promise<SnapshotRunResult | undefined>;
  archiveNow(): Promise<ArchiveRunResult | undefined>;
  /** First reads of new pools, then the reconcile handler (what is due: asked for, or a day old). */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

/** A Lambda is told its time is up; here, the stack stopping is: a reconcile pauses at a checkpoint. */
const FOREVER_MS = 15 * 60_000;

/**
 * The EventBridge schedules of a deployment, locally: the snapshot and archive handlers on their
 * intervals; the reconcile handler every few seconds (the Lambda runs every few minutes: locally a
 * reconcile capture asked for should not keep anyone waiting), after a first read of any new pool.
 */
export function startSchedule(deps: ScheduleDeps, options: ScheduleOptions): StackSchedule {
  const { handlers } = deps;
  const jobs = new SerialJobs((job, error) => deps.problem(`${job} failed: ${errorText(error)}`));
  const context = { getRemainingTimeInMillis: () => (jobs.stopping ? 0 : FOREVER_MS) };

  // After each compaction and archive run: what they read and wrote is when damage would show.
  const checkDamage = async () => {
    try {
      for (const line of (await deps.damage?.()) ?? []) deps.problem(line);
    } catch (error) {
      // A check that could not run fails nothing the run did.
      deps.problem(`checking the store for damage failed: ${errorText(error)}`);
    }
  };
  const snapshots = async (handler: SnapshotHandler) => {
    const result = await handler();
    for (const line of describeSnapshots(result)) deps.activity(line);
    await checkDamage();
    return result;
  };
  const reconciles = async (event?: { reconcile: string[]; reason: string }) => {
    const result = await handlers.reconcile(event, context);
    for (const line of describeReconciles(result)) deps.activity(line);
  };
  const archive = async () => {
    const result = await handlers.archive();
    for (const line of describeArchives(result)) deps.activity(line);
    await checkDamage();
    return result;
  };
  const poll = async () => {
    await snapshots(handlers.firstRead);
    await reconciles();
  };
  // A restart catches up on whatever happened while the stack was down: every pool is read once.
  const startup = async () => {
    // Not past a stop: a stack that fails to start never delivers what it recovered.
    await Promise.race([deps.beforeStartup?.(), jobs.stopSignal]);
    if (jobs.stopping) return;
    await snapshots(handlers.firstRead);
    await reconciles({ reconcile: await deps.pools(), reason: 'the local stack started' });
  };
  const once = <R>(name: string, job: () => Promise<R>) => {
    let result: R | undefined;
    return jobs
      .run(name, async () => {
        result = await job();
      })
      .then(() => result);
  };

  void jobs.run('startup', startup);
  jobs.every('snapshot', options.snapshotEveryMs, async () => void (await snapshots(handlers.snapshot)));
  jobs.every('archive', options.archiveEveryMs, async () => void (await archive()));
  jobs.every('poll', options.pollEveryMs, poll);

  return {
    snapshotNow: () => once('snapshot now', () => snapshots(handlers.snapshot)),
    archiveNow: () => once('archive now', archive),
    pollNow: () => jobs.run('poll', poll),
    stop: () => jobs.stop(),
  };
}
