/**
 * The local stand-in for the EventBridge schedules that invoke the snapshot, archive and reconcile
 * Lambdas: named jobs run one at a time (no two full reads of a pool at once on a laptop), each on
 * its own interval, and on demand. A job asked for while it is already waiting to run is not queued
 * twice; a failure is reported and the schedule goes on.
 */
export class SerialJobs {
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private signalStop: () => void = () => {};
  /** Settles once `stop` is called: a job waiting on something else stops waiting then. */
  readonly stopSignal: Promise<void> = new Promise((resolve) => {
    this.signalStop = resolve;
  });

  constructor(private readonly onFailure: (job: string, error: unknown) => void) {}

  /** True once `stop` was called: long jobs check it between pages and stop at a checkpoint. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Runs `job` every `ms` (the first run after `ms`). */
  every(name: string, ms: number, job: () => Promise<void>): void {
    this.timers.push(setInterval(() => void this.run(name, job), ms));
  }

  /** Runs `job` after whatever is running or waiting; resolves when it has run (or failed). */
  run(name: string, job: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const waiting = this.queued.get(name);
    if (waiting !== undefined) return waiting;
    const next = this.chain.then(async () => {
      this.queued.delete(name);
      if (this.stopped) return;
      try {
        await job();
      } catch (error) {
        this.onFailure(name, error);
      }
    });
    this.queued.set(name, next);
    this.chain = next;
    return next;
  }

  /** No new runs; waits for the one under way (it sees `stopping` and ends at its next checkpoint). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.chain;
  }
}
