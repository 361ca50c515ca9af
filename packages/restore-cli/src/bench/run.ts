import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codecBench } from './codecBench.js';
import { measureReplay, setUpReplay } from './replayBench.js';
import { measureRestore } from './restoreBench.js';

/**
 * `pnpm bench`: each measurement runs in its own process so its peak RSS is its own. Results go to
 * stdout and to bench/results/bench-<time>.json at the repository root.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
/** Users of the restore benchmark, in 1/100 as many groups: 20,000 take about 18 minutes at AWS's quotas. */
const RESTORE_USERS = Number(process.env.BENCH_RESTORE_USERS ?? 20_000);
const here = fileURLToPath(import.meta.url);

const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function child(task: string, arg: string): Promise<void> {
  const results: Record<string, () => Promise<object>> = {
    codec: () => codecBench(USERS),
    setup: () => setUpReplay(arg, USERS, RECORDS),
    replay: () => measureReplay(arg),
    restore: () => measureRestore(arg, RESTORE_USERS),
  };
  const run = results[task];
  if (!run) throw new Error(`unknown bench task ${task}`);
  const result = await run();
  process.stdout.write(JSON.stringify({ ...result, peakRssMiB: peakRssMiB() }));
}

function inChild(task: string, arg = ''): Record<string, unknown> {
  const out = execFileSync(process.execPath, [here, task, arg], { encoding: 'utf8', maxBuffer: 1 << 20 });
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

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
  try {
    const codec = inChild('codec');
    const setup = inChild('setup', dir);
    const replay = inChild('replay', dir);
    const restore = inChild('restore', join(dir, 'restore'));
    process.stdout.write(`${restoreLine(restore)}\n`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
      },
      snapshotCodec: codec,
      replay: { users: USERS, records: RECORDS, setup, ...replay },
      restore,
    };
    const json = JSON.stringify(report, null, 2);
    const resultsDir = join(dirname(here), '..', '..', '..', '..', 'bench', 'results');
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
