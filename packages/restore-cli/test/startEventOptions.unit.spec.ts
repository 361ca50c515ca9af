import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartOptions, startCommand } from '../src/commands/start.js';
import { parseDelay } from '../src/local/stack/duration.js';
import { describeDelivery } from '../src/local/stack/stackBanner.js';
import { commandContext, run } from './localStackTruth.testing.js';

/** `start --event-delay` and `--event-order`: what they take, and a bad value refused before anything starts. */

let work: string;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rewind-event-options-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('parseDelay', () => {
  it('takes 0 for none, and any duration (below 100ms too: a delay is not a period)', () => {
    expect(parseDelay('0', '--event-delay')).toBe(0);
    expect(parseDelay('0s', '--event-delay')).toBe(0);
    expect(parseDelay('50ms', '--event-delay')).toBe(50);
    expect(parseDelay('5m', '--event-delay')).toBe(300_000);
    expect(parseDelay('1.5s', '--event-delay')).toBe(1_500);
  });

  it('refuses what is not a duration, and what no timer can wait, naming the flag', () => {
    for (const value of ['', '5', '-1s', '5 minutes', '1e3s', 'soon'])
      expect(() => parseDelay(value, '--event-delay')).toThrow(
        `--event-delay ${JSON.stringify(value)} is not a duration (0 for none, or e.g. 500ms, 30s, 5m)`,
      );
    expect(() => parseDelay('597h', '--event-delay')).toThrow('--event-delay "597h" is too long');
  });
});

describe('start --event-delay / --event-order', () => {
  it.each<[string, StartOptions, string]>([
    [
      'a delay that is no duration',
      { dir: 'bad-delay', eventDelay: '5 minutes' },
      '--event-delay "5 minutes"',
    ],
    [
      'an unknown order',
      { dir: 'bad-order', eventOrder: 'random' },
      '--event-order "random": events are delivered "in-order" (oldest first) or "shuffled"',
    ],
  ])('refuses %s before anything starts', async (_what, options, message) => {
    const started = startCommand({ port: '0', ...options }, commandContext(work));
    await expect(started).rejects.toThrow(InvalidInputError);
    await expect(started).rejects.toThrow(message);
    expect(await exists(join(work, options.dir ?? ''))).toBe(false);
  });

  it('exits 2 with the message through the CLI, nothing started', async () => {
    const result = await run(work, ['start', '--dir', 'cli-bad', '--event-order', 'backwards']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--event-order "backwards"');
    expect(await exists(join(work, 'cli-bad'))).toBe(false);
  });

  it('the banner says how events are delivered', () => {
    expect(describeDelivery({ journal: 'j', eventDelayMs: 0, eventOrder: 'in-order' })).toBe(
      'events delivered at once, in order',
    );
    expect(describeDelivery({ journal: 'j', eventDelayMs: 300_000, eventOrder: 'shuffled' })).toBe(
      'events held 5m, shuffled',
    );
    expect(describeDelivery({ journal: 'j', eventDelayMs: 1_500, eventOrder: 'in-order' })).toBe(
      'events held 1.5s, in order',
    );
  });
});
