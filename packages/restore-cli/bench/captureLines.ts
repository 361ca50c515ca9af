/** One readable line per capture measurement, from the JSON the child processes print. */

type Result = Record<string, unknown>;

const field = (r: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o as Result | undefined)?.[k], r);

const ops = (counts: unknown): string =>
  Object.entries((counts ?? {}) as Record<string, number>)
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');

const bound = (quota: unknown): string => {
  const perPool = field(quota, 'perPoolOperation') as Result | undefined;
  const busiest = field(quota, 'busiestCategory');
  const category = field(quota, `byCategory.${String(busiest)}.seconds`);
  const pool = perPool === undefined ? '' : `, ${perPool.operation} per pool ${perPool.seconds} s`;
  return `${field(quota, 'minSeconds')} s (${String(busiest)} ${category} s${pool})`;
};

export function captureStackLine(r: Result): string {
  const f = (path: string) => field(r, path);
  return (
    `captureStack (pnpm start's pipeline: tap → local queue → capture handler → directory store, steady ${r.ratePerSecond}/s): ` +
    `${r.calls} calls in ${r.callsSeconds} s; call resolved → batch captured p50 ${f('recoveryPoint.p50Ms')} ms, ` +
    `p99 ${f('recoveryPoint.p99Ms')} ms, max ${f('recoveryPoint.maxMs')} ms over ${f('recoveryPoint.count')} calls ` +
    `(${r.coveredOrMissing} covered by an earlier re-read); ${r.problems} problem(s); peak RSS ${r.peakRssMiB} MiB`
  );
}

export function captureDelayLine(r: Result): string {
  const f = (path: string) => field(r, path);
  return (
    `captureDelay (true history: ${r.calls} mixed calls at ${r.ratePerSecond}/s through pnpm start, event delay ${r.eventDelayMs} ms, ${r.order}): ` +
    `${r.records} records, ${r.callsWithoutTheirRecord} call(s) without their own record, final state equals the pool: ${r.finalStateEqualsPool}, ` +
    `${r.unknownAtEnd} entit(ies) with unknown fields at the end; arrival → record p50 ${f('arrivalToRecord.p50Ms')} ms, ` +
    `p99 ${f('arrivalToRecord.p99Ms')} ms, max ${f('arrivalToRecord.maxMs')} ms; ${r.problems} problem(s); peak RSS ${r.peakRssMiB} MiB`
  );
}

export function captureLocalLine(r: Result): string {
  const f = (path: string) => field(r, path);
  const pace = r.mode === 'steady' ? `steady ${r.ratePerSecond}/s` : 'back to back';
  const rate = `${pace}, ${r.consumers} event${r.consumers === 1 ? '' : 's'} captured at once`;
  return (
    `captureLocal (cognito-local + tap → durable DirectoryChangeLog, ${rate}): ${r.calls} calls in ${r.callsSeconds} s ` +
    `(${r.achievedCallsPerSecond}/s, SDK call p50 ${f('sdkCall.p50Ms')} ms); call resolved → record appended ` +
    `p50 ${f('recoveryPoint.p50Ms')} ms, p99 ${f('recoveryPoint.p99Ms')} ms, max ${f('recoveryPoint.maxMs')} ms ` +
    `(${r.ownRecord} own records, ${r.covered} covered by an earlier re-read, ${r.noRecord} none, ${r.captureErrors} errors); ` +
    `queue wait p50 ${f('queueWait.p50Ms')} ms, capture p50 ${f('capture.p50Ms')} ms; ` +
    `${r.readerCallsPerEvent} reader calls/event; last capture ${r.lastCaptureSeconds} s after the first call; ` +
    `peak RSS ${r.peakRssMiB} MiB`
  );
}

export function captureThroughputLine(r: Result): string {
  const runs = (r.runs as Result[]).map(
    (run) =>
      `concurrency ${run.concurrency}: ${run.eventsPerSecond} events/s (${run.events} in ${run.seconds} s, ` +
      `p50 ${field(run, 'perEvent.p50Ms')} ms/event, ${run.records} records)`,
  );
  const first = (r.runs as Result[])[0];
  return (
    `captureThroughput (${r.store}, ${r.users} users on the fake): ${runs.join('; ')}; ` +
    `${field(first, 'cognitoCallsPerEvent')} Cognito calls/event (${ops(field(first, 'callsByOperation'))}); ` +
    `peak RSS ${r.peakRssMiB} MiB`
  );
}

export function captureSnapshotLines(r: Result): string[] {
  const f = (path: string) => field(r, path);
  const b = (which: string) =>
    `${f(`designB.${which}.calls`)} calls (${ops(f(`designB.${which}.callsByOperation`))}) ` +
    `in ${f(`designB.${which}.wallSeconds`)} s on the fake; AWS default quotas: at least ` +
    `${bound(f(`designB.${which}.quota`))} per hour`;
  return [
    `captureSnapshot A (${r.users} users, ${r.changesInHour} changes/hour): capture ${f('designA.capture.calls')} ` +
      `Cognito calls (${f('designA.capture.callsPerEvent')}/event: ${ops(f('designA.capture.callsByOperation'))}) ` +
      `in ${f('designA.capture.wallSeconds')} s; compaction ${f('designA.compaction.calls')} calls in ` +
      `${f('designA.compaction.wallSeconds')} s, ${f('designA.compaction.bytes')} B snapshot; ` +
      `AWS default quotas: at least ${bound(f('designA.capture.quota'))} per hour; as many calls as B at ` +
      `${f('designA.breakEvenChangesPerHourVsMfaOff')} (MFA off) / ${f('designA.breakEvenChangesPerHourVsMfaOn')} ` +
      `(MFA on) changes/hour; peak RSS ${r.peakRssMiB} MiB`,
    `captureSnapshot B (hourly full re-read), MFA off: ${b('mfaOff')}`,
    `captureSnapshot B (hourly full re-read), MFA on: ${b('mfaOn')}`,
  ];
}
