import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventTrail, TrailEntry, TrailQuery } from '@cognito-rewind/core';
import { DirectoryEventTrail } from '@cognito-rewind/core/adapters/local';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from '../cli.js';
import { RecordingIoHost } from '../io/ioHost.js';
import { addAuditSummary, summarize } from './auditSummary.js';

const POOL = 'us-east-1_Summary1';
const MALLORY = 'arn:aws:sts::111122223333:assumed-role/ops/mallory';
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const T0 = Date.parse('2026-06-01T10:04:00.000Z');

let n = 0;
function call(at: number, over: Partial<TrailEntry> = {}): TrailEntry {
  n += 1;
  return {
    eventId: `e-${String(n).padStart(6, '0')}`,
    poolId: POOL,
    eventTime: new Date(at).toISOString(),
    receivedAt: new Date(at + 1000).toISOString(),
    eventName: 'AdminDeleteUser',
    eventType: 'AwsApiCall',
    caller: { arn: MALLORY, type: 'AssumedRole' },
    entities: [`user:u${n}`],
    outcome: 'changed',
    changeIds: [`01JAAAAAAAAAAAAAAAAA${String(n).padStart(6, '0')}`],
    ...over,
  };
}

let dir: string;
let trail: DirectoryEventTrail;
const entries = [
  ...[0, 1, 2, 3, 4, 5].map((s) => call(T0 + s * 10_000)),
  call(T0 + 70_000, { eventName: 'AdminRemoveUserFromGroup', entities: ['user:bob'] }),
  call(T0 - 600_000, { caller: { arn: ALICE }, eventName: 'CreateGroup', entities: ['group:admins'] }),
  call(T0 + 80_000, {
    caller: { arn: ALICE },
    errorCode: 'NotAuthorizedException',
    outcome: 'failed',
    entities: [],
    changeIds: [],
  }),
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-summary-'));
  trail = new DirectoryEventTrail(dir, { durable: false });
  for (const entry of entries) await trail.record(entry);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const io = new RecordingIoHost();
  const code = await exec(['audit', 'summary', '--store', dir, '--pool', POOL, ...args], io, {
    clock: { now: () => new Date('2026-06-02T00:00:00Z') },
  });
  return { code, out: io.output, err: io.stderr.join('\n') };
};

describe('restore-cli audit summary', () => {
  it('counts by event, caller and kind, and shows the burst with the commands that undo it', async () => {
    const { code, out } = await run(
      '--since',
      '2026-06-01T10:00Z',
      '--until',
      '2026-06-01T11:00Z',
      '--burst-count',
      '5',
      '--burst-minutes',
      '2',
    );
    expect(code).toBe(EXIT.ok);
    expect(out).toContain(
      `8 events for ${POOL} from 2026-06-01T10:00:00.000Z to 2026-06-01T11:00:00.000Z (1 refused by Cognito)`,
    );
    expect(out).toMatch(/AdminDeleteUser\s*│\s*7/);
    expect(out).toMatch(/assumed-role\/ops\/mallory\s*│\s*7/);
    expect(out).toContain(
      'burst 1: arn:aws:sts::111122223333:assumed-role/ops/mallory, 2026-06-01T10:04:00.000Z to 2026-06-01T10:05:10.000Z: 7 calls (AdminDeleteUser 6, AdminRemoveUserFromGroup 1)',
    );
    expect(out).toContain(`restore-cli restore --pool ${POOL} --at 2026-06-01T10:03:59.000Z --dry-run`);
    expect(out).toMatch(/--at 2026-06-01T10:03:59.000Z --user bob --user u1 .*--user u6 --dry-run/);
  });

  it('answers json, and an empty range says so with exit 0', async () => {
    const json = await run(
      '--since',
      '2026-06-01T10:00Z',
      '--until',
      '2026-06-01T11:00Z',
      '--format',
      'json',
      '--burst-count',
      '5',
    );
    expect(json.code).toBe(EXIT.ok);
    const summary = JSON.parse(json.out);
    expect(summary).toMatchObject({
      total: 8,
      failed: 1,
      byKind: { user: 7 },
      threshold: { count: 5, minutes: 5 },
    });
    expect(summary.bursts).toHaveLength(1);
    const empty = await run('--since', '2025-01-01T00:00Z', '--until', '2025-01-02T00:00Z');
    expect(empty).toMatchObject({
      code: EXIT.ok,
      out: `no events recorded for ${POOL} from 2025-01-01T00:00:00.000Z to 2025-01-02T00:00:00.000Z`,
    });
  });

  it('refuses bad input with exit 2', async () => {
    for (const [args, message] of [
      [['--since', '2026-06-02T00:00Z', '--until', '2026-06-01T00:00Z'], /--since .* is after --until/],
      [['--since', 'yesterday'], /--since "yesterday" is not an ISO-8601 time/],
      [['--since', '2026-06-01T10:00'], /--since 2026-06-01T10:00 has no time zone/],
      [['--since', '2026-06-01', '--format', 'xml'], /--format "xml": use table or json/],
      [['--since', '2026-06-01', '--burst-count', 'many'], /--burst-count "many" is not a whole number/],
      [[], /--since <time> is required/],
    ] as const) {
      const { code, err } = await run(...args);
      expect(code, args.join(' ')).toBe(EXIT.badInput);
      expect(err).toMatch(message);
    }
  });

  it('reads the trail through its time index only, page by page', async () => {
    const queries: TrailQuery[] = [];
    const counting: EventTrail = {
      record: (entry) => trail.record(entry),
      get: (pool, id) => trail.get(pool, id),
      forgetPersonalData: (pool, before) => trail.forgetPersonalData(pool, before),
      query: (pool, query) => {
        queries.push(query ?? {});
        return trail.query(pool, { ...query, limit: 3 });
      },
    };
    const summary = await summarize(
      counting,
      POOL,
      { since: '2026-06-01T00:00:00.000Z', until: '2026-06-02T00:00:00.000Z' },
      { count: 5, minutes: 2 },
    );
    expect(summary.total).toBe(9);
    expect(queries.length).toBe(3);
    for (const query of queries) expect(query).not.toHaveProperty('caller');
    for (const query of queries)
      expect(Object.keys(query).filter((k) => ['eventName', 'entity'].includes(k))).toEqual([]);
  });

  it('takes back the options an `audit` parent with the same flags was given', async () => {
    const io = new RecordingIoHost();
    const ctx = { io, clock: { now: () => new Date('2026-06-02T00:00:00Z') }, env: {}, cwd: dir };
    const audit = new Command('audit')
      .exitOverride()
      .option('--store <dir>')
      .option('--pool <id>')
      .option('--since <time>')
      .option('--format <format>', 'table, json…', 'table');
    addAuditSummary(audit, ctx);
    await audit.parseAsync(
      ['summary', '--store', dir, '--pool', POOL, '--since', '2026-06-01T10:00Z', '--format', 'json'],
      { from: 'user' },
    );
    expect(JSON.parse(io.output)).toMatchObject({
      poolId: POOL,
      since: '2026-06-01T10:00:00.000Z',
      total: 8,
    });
  });
});
