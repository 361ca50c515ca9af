import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exec } from '../cli.js';
import { RecordingIoHost } from './ioHost.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-flags-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

async function run(...args: string[]) {
  const io = new RecordingIoHost();
  const code = await exec(args, io, { cwd: work, env: {} });
  return { code, out: io.output, err: io.errors };
}

describe('a flag given without its value', () => {
  it.each([
    [['state', '--pool', '--at', 'now'], '--pool'],
    [['state', '--pool', 'us-east-1_AbC123', '--at', '--out', 'x.json'], '--at'],
    [['state', '--pool', 'us-east-1_AbC123', '--at', 'now', '--out', '--store', 'dir'], '--out'],
    [['restore', '--pool', '--at', 'now', '--dry-run'], '--pool'],
    [['--pool', '--dry-run', '--at', 'now'], '--pool'],
    [['backup', '--pool', 'us-east-1_AbC123', '--endpoint', '--region', 'us-east-1'], '--endpoint'],
    [['restore', '--pool', 'us-east-1_AbC123', '--at', 'now', '--user', '--yes'], '--user'],
    [['verify', '--store', '--pool', 'us-east-1_AbC123'], '--store'],
    [['demo', '--dir', '--help'], '--dir'],
    [['state', '--pool', '--at=now'], '--pool'],
  ])('%j: says which flag lacks its value, exit 2', async (args, flag) => {
    const { code, err, out } = await run(...args);
    expect(err).toBe(`error: option ${flag} needs a value`);
    expect(code).toBe(EXIT.badInput);
    expect(out).toBe('');
  });

  it('changes nothing: no store, no report, no stack directory', async () => {
    await run('restore', '--pool', '--at', 'now', '--yes', '--store', join(work, 'store'), '--report', 'r');
    await run('demo', '--dir', '--help');
    await run('start', '--dir', '--port', '0');
    expect(await readdir(work)).toEqual([]);
  });

  it('still takes values that only start with a dash: relative times, names', async () => {
    const { err } = await run(
      'state',
      '--pool',
      'us-east-1_AbC123',
      '--at',
      '-15m',
      '--store',
      join(work, 'none'),
    );
    expect(err).not.toMatch(/needs a value/);
    const named = await run(
      'state',
      '--pool',
      'us-east-1_AbC123',
      '--at',
      'now',
      '--out',
      '-dash.json',
      '--store',
      join(work, 'none'),
    );
    expect(named.err).not.toMatch(/needs a value/);
    await rm(join(work, 'none'), { recursive: true, force: true });
    await rm(join(work, '-dash.json'), { force: true });
  });
});
