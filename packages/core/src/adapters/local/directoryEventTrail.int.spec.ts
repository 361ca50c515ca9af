/**
 * What the contract cannot show of `DirectoryEventTrail`: what a writer that died part-way leaves (set
 * up here with the adapter's own line writer, as the dead writer would have), damage to an index, and
 * writers in separate OS processes racing for one event (they run the BUILT package: build first).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ALICE, at, bareEntry, entry, found, POOL } from '@cognito-rewind/testkit/contracts';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TrailCorruptError } from '../../errors.js';
import type { TrailEntry } from '../../trail/trailEntry.js';
import { DirectoryEventTrail } from './directoryEventTrail.js';
import { appendIndexLine } from './trailIndexFile.js';
import { indexFileFor, indexLocation, personalFile, poolTrailPaths } from './trailLayout.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rewind-trail-dir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const paths = () => poolTrailPaths(dir, POOL);
const byTimeFile = (time: string) => indexFileFor(indexLocation(paths(), { by: 'time' }), time);

it('never reads an index line a writer left unfinished, and the next writer cuts it off', async () => {
  const trail = new DirectoryEventTrail(dir);
  const first = entry('evt-1', { eventTime: at(1) });
  await trail.record(first);
  await appendFile(byTimeFile(at(1)), '["2024-06-01T10:00:0');
  expect((await trail.query(POOL)).entries).toStrictEqual([first]);
  await trail.record(entry('evt-2', { eventTime: at(2) }));
  expect(await readFile(byTimeFile(at(1)), 'utf8')).toBe(
    `${JSON.stringify([at(1), 'evt-1'])}\n${JSON.stringify([at(2), 'evt-2'])}\n`,
  );
  expect(await found(trail)).toEqual(['evt-1', 'evt-2']);
});

it('trusts nothing a writer left before it died without its entry, nor joins its personal data to a later one', async () => {
  const trail = new DirectoryEventTrail(dir);
  // What a writer holding the lock leaves when it dies after its personal data and index lines.
  const ghost = { eventTime: at(20), eventId: 'evt-ghost' };
  await mkdir(paths().personal, { recursive: true });
  await writeFile(personalFile(paths(), 'evt-ghost'), JSON.stringify({ sourceIp: '192.0.2.66' }));
  await appendIndexLine(indexFileFor(paths().withPersonal, ghost.eventTime), ghost, false);
  for (const index of [
    { by: 'time' as const },
    { by: 'caller' as const, value: ALICE },
    { by: 'entity' as const, value: 'user:ghost' },
    { by: 'entity' as const, value: 'group:g' },
  ])
    await appendIndexLine(indexFileFor(indexLocation(paths(), index), ghost.eventTime), ghost, false);

  expect(await trail.get(POOL, 'evt-ghost')).toBeUndefined();
  for (const query of [{}, { caller: ALICE }, { entity: 'user:ghost' }])
    expect(await trail.query(POOL, query), JSON.stringify(query)).toEqual({ entries: [] });

  // The event again, at another time, without personal data: recorded, found once, nothing of the ghost's.
  const again = bareEntry('evt-ghost', { eventTime: at(10), caller: { arn: ALICE }, entities: ['group:g'] });
  expect(await trail.record(again)).toBe('recorded');
  expect(await trail.get(POOL, 'evt-ghost')).toStrictEqual(again);
  expect(await trail.query(POOL, { entity: 'group:g', limit: 1 })).toStrictEqual({ entries: [again] });
  expect(await trail.query(POOL, { caller: ALICE, limit: 1 })).toStrictEqual({ entries: [again] });
  expect(await found(trail, { entity: 'user:ghost' })).toEqual([]);
  expect(await trail.forgetPersonalData(POOL, at(60))).toBe(0);
});

it('reports a whole index line that does not decode as TrailCorruptError, naming the file', async () => {
  const trail = new DirectoryEventTrail(dir);
  await trail.record(entry('evt-1', { eventTime: at(1) }));
  await appendFile(byTimeFile(at(1)), 'not a line of an index\n');
  await expect(trail.query(POOL)).rejects.toThrow(TrailCorruptError);
  await expect(trail.query(POOL)).rejects.toThrow(/by-time\/2024-06-01\.idx at byte \d+/);
  expect(await found(trail, { entity: 'user:bob' })).toEqual(['evt-1']);
});

it('reads only the day files a bounded time query covers', async () => {
  const trail = new DirectoryEventTrail(dir);
  const day = (d: number) => `2024-06-0${d}T12:00:00.000Z`;
  for (const d of [1, 2, 3]) await trail.record(entry(`evt-${d}`, { eventTime: day(d) }));
  // Damage outside the bounds is never read; inside, it is reported.
  await appendFile(byTimeFile(day(1)), 'damage\n');
  expect(await found(trail, { since: day(2) })).toEqual(['evt-2', 'evt-3']);
  await expect(trail.query(POOL, { until: day(2) })).rejects.toThrow(TrailCorruptError);
});

const DIST = fileURLToPath(new URL('../../../dist', import.meta.url));

/** A writer in its own process: loads the built package, says `ready`, records on `go`, says the outcome. */
const CHILD = `
const { pathToFileURL } = await import('node:url');
const [dist, dir, json] = process.argv.slice(1);
const { DirectoryEventTrail } = await import(pathToFileURL(dist + '/adapters/local/index.js').href);
const trail = new DirectoryEventTrail(dir);
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdout.write((await trail.record(JSON.parse(json))) + '\\n');
process.exit(0);
`;

/** One writer process and the lines it has said so far. */
function startWriter(e: TrailEntry) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, DIST, dir, JSON.stringify(e)]);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const parts = `${partial}${text}`.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = once(child, 'exit');
  return {
    child,
    /** Waits until the child has said `count` lines; a child that exits short of them fails the test. */
    async said(count: number): Promise<string[]> {
      while (lines.length < count) {
        const stopped = await Promise.race([exited.then(() => true), sleep(10).then(() => false)]);
        if (stopped && lines.length < count) throw new Error(`the writer exited early: ${stderr}`);
      }
      return lines;
    },
  };
}

it('lets exactly one of several writer processes record one event', async () => {
  expect(existsSync(path.join(DIST, 'adapters/local/directoryEventTrail.js')), 'build first: tsc -b').toBe(
    true,
  );
  const entries = Array.from({ length: 4 }, (_, i) =>
    entry('evt-procs', {
      eventTime: at(i),
      entities: ['group:all', `user:proc-${i}`],
      reason: `process ${i}`,
    }),
  );
  const writers = entries.map(startWriter);
  try {
    await Promise.all(writers.map((writer) => writer.said(1)));
    for (const { child } of writers) child.stdin.write('go\n');
    const outcomes = await Promise.all(writers.map(async (writer) => (await writer.said(2))[1]));
    const winners = outcomes.flatMap((outcome, i) => (outcome === 'recorded' ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(3);
    const trail = new DirectoryEventTrail(dir);
    expect(await trail.get(POOL, 'evt-procs')).toStrictEqual(entries[winners[0] ?? -1]);
    expect(await found(trail, { entity: 'group:all' })).toEqual(['evt-procs']);
    for (let i = 0; i < entries.length; i++)
      expect(await found(trail, { entity: `user:proc-${i}` })).toEqual(i === winners[0] ? ['evt-procs'] : []);
  } finally {
    for (const { child } of writers) if (child.exitCode === null) child.kill('SIGKILL');
  }
});
