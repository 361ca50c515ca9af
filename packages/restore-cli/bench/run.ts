import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureDelayBench } from './captureDelayBench.js';
import {
  captureDelayLine,
  captureLocalLine,
  captureSnapshotLines,
  captureStackLine,
  captureThroughputLine,
} from './captureLines.js';
import { captureLocalBench } from './captureLocalBench.js';
import { captureSnapshotBench } from './captureSnapshotBench.js';
import { captureStackBench } from './captureStackBench.js';
import { type CaptureStoreKind, captureThroughputBench } from './captureThroughputBench.js';
import { codecBench } from './codecBench.js';
import { measureLongHistoryState, measureLongHistoryVerify, setUpLongHistory } from './longHistoryBench.js';
import { measureReplay, setUpReplay } from './replayBench.js';
import { measureRestore } from './restoreBench.js';
import { changeLogAppendBench, snapshotTransferBench } from './storeBench.js';

/**
 * `pnpm bench`: each measurement runs in its own process so its peak RSS is its own. Results go to
 * stdout and to bench/results/bench-<time>.json at the repository root.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
/** Users of the restore benchmark, in 1/100 as many groups: 20,000 take about 18 minutes at AWS's quotas. */
const RESTORE_USERS = Number(process.env.BENCH_RESTORE_USERS ?? 20_000);
/** Snapshot sizes of the transfer benchmark, each in its own process: peak RSS should not grow with them. */
const TRANSFER_USERS = (process.env.BENCH_TRANSFER_USERS ?? '100000,1000000').split(',').map(Number);
/** Fresh processes per pool for state(T) on a long and a young history. */
const HISTORY_RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 3);
/**
 * `store`: only the store benchmarks (the others take about 20 minutes); `capture`: only capture's;
 * `delay`: only the true-history one (1,000 calls at 50/s through `pnpm start` with a 30 s delay);
 * `history`: only the long history (state(T) on a long and a young store, and `verify` of the long one).
 */
const ONLY = process.env.BENCH_ONLY ?? 'all';
/**
 * Variants of the local pipeline's recovery point: `burst` (calls back to back), `steady`
 * (BENCH_CAPTURE_LOCAL_RATE calls/s), each optionally `:<events captured at once>` (default 1).
 */
const CAPTURE_LOCAL_MODES = (process.env.BENCH_CAPTURE_LOCAL_MODES ?? 'burst,steady,burst:4').split(',');
/** Change logs of the capture throughput benchmark. */
const CAPTURE_STORES = (process.env.BENCH_CAPTURE_STORES ?? 'memory,dynamo').split(',');
const here = fileURLToPath(import.meta.url);

const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function child(task: string, arg: string): Promise<void> {
  const results: Record<string, () => Promise<object>> = {
    codec: () => codecBench(USERS),
    setup: () => setUpReplay(arg, USERS, RECORDS),
    replay: () => measureReplay(arg),
    restore: () => measureRestore(arg, RESTORE_USERS),
    changeLogAppend: () => changeLogAppendBench(),
    snapshotTransfer: () => snapshotTransferBench(Number(arg)),
    historySetup: () => setUpLongHistory(arg),
    historyState: () => measureLongHistoryState(arg),
    historyVerify: () => measureLongHistoryVerify(arg),
    captureLocal: () => {
      const [dir = '', variant = 'burst'] = arg.split('|');
      return captureLocalBench(dir, variant);
    },
    captureStack: () => captureStackBench(arg),
    captureDelay: () => captureDelayBench(arg),
    captureThroughput: () => captureThroughputBench(arg as CaptureStoreKind),
    captureSnapshot: () => captureSnapshotBench(arg),
  };
  const run = results[task];
  if (!run) throw new Error(`unknown bench task ${task}`);
  const result = await run();
  process.stdout.write(JSON.stringify({ ...result, peakRssMiB: peakRssMiB() }));
}

function inChild(task: string, arg = ''): Record<string, unknown> {
  const out = execFileSync(process.execPath, [...process.execArgv, here, task, arg], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as Record<string, unknown>;
}

function restoreLine(r: Record<string, unknown>): string {
  const bar = r.meetsBar ? 'meets' : 'MISSES';
  return (
    `restore: ${r.users} users, ${r.groups} groups, ${r.memberships} memberships in ${r.wallSeconds} s; ` +
    `busiest ${r.busiestCategory} ${r.busiestCalls} calls / ${r.busiestDefaultRps} rps = ${r.quotaBoundSeconds} s; ` +
    `quotaBoundFraction ${r.quotaBoundFraction}; ${r.failedActions} failed actions, ${r.throttledCalls} throttled calls; ` +
    `${bar} the bar (fraction >= 0.9, no failures)`
  );
}

type Result = Record<string, unknown>;

const field = (r: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o as Result | undefined)?.[k], r);

function changeLogLine(r: Result): string {
  const f = (path: string) => field(r, path);
  return (
    `changeLogAppend (dynalite): sequential ${f('sequential.recordsPerSecond')} records/s (${f('sequential.records')}), ` +
    `concurrency ${f('concurrent.workers')} ${f('concurrent.recordsPerSecond')} records/s (${f('concurrent.records')}); ` +
    `timeline read ${f('timelineRead.records')} records in ${f('timelineRead.seconds')} s = ${f('timelineRead.recordsPerSecond')} records/s`
  );
}

function transferLine(runs: Result[]): string {
  const one = (r: Result) =>
    `${r.users} users (${r.compressedBytes} B): upload ${field(r, 'upload.MBps')} MB/s ` +
    `(${field(r, 'upload.entitiesPerSecond')} entities/s), download+verify ${field(r, 'downloadVerify.MBps')} MB/s, ` +
    `peak RSS ${r.peakRssMiB} MiB`;
  return `snapshotTransfer (s3rver): ${runs.map(one).join('; ')}`;
}

function historyLine(r: Result): string {
  return (
    `longHistory (directory): state(T) long (${field(r, 'setup.snapshots')} snapshots, ${field(r, 'setup.records')} records) ` +
    `${field(r, 'long.wallSeconds')} s vs young ${field(r, 'young.wallSeconds')} s (medians of ${HISTORY_RUNS} fresh processes), ` +
    `ratio ${r.ratio}; records read ${field(r, 'long.recordsRead')} vs ${field(r, 'young.recordsRead')}; ` +
    `snapshot listing ${field(r, 'long.snapshotListing.seconds')} s (${field(r, 'long.snapshotListing.blobs')} blobs) ` +
    `vs ${field(r, 'young.snapshotListing.seconds')} s; ` +
    `setup ${field(r, 'setup.longSetupSeconds')} s + ${field(r, 'setup.youngSetupSeconds')} s; ` +
    `verify long ${field(r, 'verify.records')} records, ${field(r, 'verify.snapshots')} snapshots in ` +
    `${field(r, 'verify.wallSeconds')} s (${field(r, 'verify.recordsPerSecond')} records/s), peak RSS ${field(r, 'verify.peakRssMiB')} MiB`
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** state(T) on both pools, alternating, each run a fresh process; the median run of each is reported. */
function longHistory(dir: string): Result {
  const setup = inChild('historySetup', dir);
  const runs: { long: Result[]; young: Result[] } = { long: [], young: [] };
  for (let i = 0; i < HISTORY_RUNS; i++) {
    runs.long.push(inChild('historyState', join(dir, 'long')));
    runs.young.push(inChild('historyState', join(dir, 'young')));
  }
  const pick = (list: Result[]): Result => {
    const m = median(list.map((r) => Number(r.wallSeconds)));
    return list.find((r) => Number(r.wallSeconds) === m) ?? {};
  };
  const long = pick(runs.long);
  const young = pick(runs.young);
  const ratio = Number((Number(long.wallSeconds) / Number(young.wallSeconds)).toFixed(2));
  const seconds = (list: Result[]) => list.map((r) => r.wallSeconds);
  const verify = inChild('historyVerify', join(dir, 'long'));
  return {
    setup,
    long,
    young,
    ratio,
    verify,
    runSeconds: { long: seconds(runs.long), young: seconds(runs.young) },
  };
}

function storeBenches(dir: string): Result {
  const changeLogAppend = inChild('changeLogAppend');
  process.stdout.write(`${changeLogLine(changeLogAppend)}\n`);
  const runs = TRANSFER_USERS.map((users) => inChild('snapshotTransfer', String(users)));
  process.stdout.write(`${transferLine(runs)}\n`);
  const history = longHistory(join(dir, 'history'));
  process.stdout.write(`${historyLine(history)}\n`);
  return { changeLogAppend, snapshotTransfer: { runs }, longHistory: history };
}

function historyOnly(dir: string): Result {
  const history = longHistory(dir);
  process.stdout.write(`${historyLine(history)}\n`);
  return { longHistory: history };
}

/** Capture: the local pipeline's recovery point, capture throughput, and what an hourly snapshot costs. */
function captureBenches(dir: string): Result {
  // The machine's 1-minute load before and after: other work on it skews every figure.
  const measured = (task: string, arg: string): Result => {
    const before = loadavg()[0] ?? 0;
    const result = inChild(task, arg);
    const load1m = { before: Number(before.toFixed(2)), after: Number((loadavg()[0] ?? 0).toFixed(2)) };
    return { ...result, load1m };
  };
  const local: Result = {};
  for (const mode of CAPTURE_LOCAL_MODES) {
    local[mode] = measured('captureLocal', `${join(dir, `capture-local-${mode.replace(':', '-')}`)}|${mode}`);
    process.stdout.write(`${captureLocalLine(local[mode] as Result)}\n`);
  }
  const stack = measured('captureStack', join(dir, 'capture-stack'));
  process.stdout.write(`${captureStackLine(stack)}\n`);
  const delayed = measured('captureDelay', join(dir, 'capture-delay'));
  process.stdout.write(`${captureDelayLine(delayed)}\n`);
  const throughput: Result = {};
  for (const store of CAPTURE_STORES) {
    throughput[store] = measured('captureThroughput', store);
    process.stdout.write(`${captureThroughputLine(throughput[store] as Result)}\n`);
  }
  const snapshot = measured('captureSnapshot', join(dir, 'capture-snapshot'));
  for (const line of captureSnapshotLines(snapshot)) process.stdout.write(`${line}\n`);
  return {
    localPipeline: local,
    localStack: stack,
    trueHistory: delayed,
    throughput,
    hourlySnapshot: snapshot,
  };
}

function otherBenches(dir: string): Result {
  const codec = inChild('codec');
  const setup = inChild('setup', dir);
  const replay = inChild('replay', dir);
  const restore = inChild('restore', join(dir, 'restore'));
  process.stdout.write(`${restoreLine(restore)}\n`);
  return { snapshotCodec: codec, replay: { users: USERS, records: RECORDS, setup, ...replay }, restore };
}

function main(): void {
  if (!['all', 'store', 'capture', 'delay', 'history'].includes(ONLY))
    throw new Error(`BENCH_ONLY=${ONLY}: expected "store", "capture", "delay", "history" or nothing`);
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
  try {
    const others = ONLY === 'all' ? otherBenches(dir) : {};
    const store =
      ONLY === 'capture' || ONLY === 'delay'
        ? undefined
        : ONLY === 'history'
          ? historyOnly(join(dir, 'history'))
          : storeBenches(dir);
    const capture =
      ONLY === 'store' || ONLY === 'history'
        ? undefined
        : ONLY === 'delay'
          ? { trueHistory: inChild('captureDelay', join(dir, 'capture-delay')) }
          : captureBenches(dir);
    if (ONLY === 'delay') process.stdout.write(`${captureDelayLine(capture?.trueHistory as Result)}\n`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
      },
      ...others,
      store,
      capture,
    };
    const json = JSON.stringify(report, null, 2);
    const resultsDir = join(dirname(here), '..', '..', '..', 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `bench-${report.date.replace(/[:.]/g, '')}.json`);
    writeFileSync(file, `${json}\n`);
    process.stdout.write(`${json}\nwritten to ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [task, arg] = process.argv.slice(2);
if (task) await child(task, arg ?? '');
else main();
