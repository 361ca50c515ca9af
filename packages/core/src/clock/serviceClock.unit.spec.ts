import { describe, expect, it } from 'vitest';
import { ClockSkewError } from '../errors.js';
import { formatDuration, ServiceClock } from './serviceClock.js';

/** A local clock the test moves by hand. */
function localClock(start: string) {
  let ms = Date.parse(start);
  return {
    clock: { now: () => new Date(ms) },
    advance: (by: number) => {
      ms += by;
    },
    get ms() {
      return ms;
    },
  };
}

const httpDate = (iso: string) => new Date(iso).toUTCString();
const MINUTE = 60_000;

describe('ServiceClock', () => {
  it('is the local clock corrected by the offset a Date header tells, to within a second and the round trip', () => {
    // This machine says 12:00:00.000; the service, answering within 200 ms, said 12:10:00 (whole seconds).
    const local = localClock('2026-03-01T12:00:00.000Z');
    const clock = new ServiceClock({ local: local.clock });
    expect(clock.offsetMs).toBeUndefined();
    expect(clock.now().toISOString()).toBe('2026-03-01T12:00:00.000Z');
    const sentAt = local.ms;
    local.advance(200);
    clock.observe({
      service: 'DynamoDB',
      date: httpDate('2026-03-01T12:10:00Z'),
      sentAt,
      receivedAt: local.ms,
    });
    // service − local lies in [10m − 200 ms, 10m + 1 s]: the middle, ± 600 ms.
    expect(clock.offsetMs).toBe(10 * MINUTE + 400);
    expect(clock.errorMs).toBe(600);
    local.advance(1_000);
    expect(clock.now().toISOString()).toBe('2026-03-01T12:10:01.600Z');
  });

  it("leaves a local clock the answers cannot tell from the service's exactly as it is", () => {
    // In sync: the answer, 30 ms after 12:00:00.700 here, says 12:00:00 (the header drops the 700 ms).
    const local = localClock('2026-03-01T12:00:00.700Z');
    const clock = new ServiceClock({ local: local.clock });
    const sentAt = local.ms;
    local.advance(30);
    clock.observe({ service: 'S3', date: httpDate('2026-03-01T12:00:00Z'), sentAt, receivedAt: local.ms });
    // service − local lies in [−730 ms, +300 ms]: 0 is in it, so nothing is corrected (the middle
    // would move a synchronised clock 215 ms back, out of order with this machine's other readings).
    expect(clock.offsetMs).toBe(0);
    expect(clock.errorMs).toBe(730);
    expect(clock.now().toISOString()).toBe('2026-03-01T12:00:00.730Z');
  });

  it('narrows the offset with answers that agree, and starts over when one disagrees with them all', () => {
    // The service's clock is exactly 10 minutes ahead; answers come back at once.
    const local = localClock('2026-03-01T12:00:00.000Z');
    const clock = new ServiceClock({ local: local.clock });
    const answer = () => {
      const date = httpDate(new Date(Math.floor((local.ms + 10 * MINUTE) / 1000) * 1000).toISOString());
      clock.observe({ service: 'S3', date, sentAt: local.ms, receivedAt: local.ms + 10 });
    };
    answer();
    expect(clock.errorMs).toBe(505);
    local.advance(700);
    answer();
    // The second answer, 700 ms into the second, places the offset within 300 ms of the truth.
    expect(clock.errorMs).toBeLessThanOrEqual(155);
    expect(Math.abs((clock.offsetMs ?? 0) - 10 * MINUTE)).toBeLessThanOrEqual(155);

    // The local clock is stepped 5 minutes forward: the old range no longer fits, the new answer rules.
    local.advance(5 * MINUTE);
    const date = httpDate(new Date(Math.floor((local.ms + 5 * MINUTE) / 1000) * 1000).toISOString());
    clock.observe({ service: 'S3', date, sentAt: local.ms, receivedAt: local.ms + 10 });
    expect(Math.abs((clock.offsetMs ?? 0) - 5 * MINUTE)).toBeLessThanOrEqual(505);
  });

  it('ignores an answer without a readable date, or timed backwards', () => {
    const local = localClock('2026-03-01T12:00:00.000Z');
    const clock = new ServiceClock({ local: local.clock });
    clock.observe({ service: 'S3', date: 'yesterday', sentAt: local.ms, receivedAt: local.ms });
    clock.observe({
      service: 'S3',
      date: httpDate('2026-03-01T13:00:00Z'),
      sentAt: local.ms,
      receivedAt: local.ms - 1,
    });
    expect(clock.offsetMs).toBeUndefined();
  });

  it('ready: asks the service when nothing was heard yet, and is then content', async () => {
    const local = localClock('2026-03-01T12:00:00.000Z');
    let probes = 0;
    const clock: ServiceClock = new ServiceClock({
      local: local.clock,
      probe: async () => {
        probes += 1;
        clock.observe({
          service: 'DynamoDB',
          date: httpDate('2026-03-01T12:07:00Z'),
          sentAt: local.ms,
          receivedAt: local.ms + 50,
        });
      },
    });
    await clock.ready();
    await clock.ready();
    expect(probes).toBe(1);
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-03-01T12:07:00.500Z'))).toBeLessThanOrEqual(525);
  });

  it('ready: refuses with ClockSkewError when no answer tells the time', async () => {
    const clock = new ServiceClock({
      local: localClock('2026-03-01T12:00:00.000Z').clock,
      probe: async () => {},
    });
    const refused = clock.ready();
    await expect(refused).rejects.toBeInstanceOf(ClockSkewError);
    await expect(refused).rejects.toThrow(/no answer of its services carried a Date header/);
  });

  it('ready: a probe that got no answer at all fails with its own error; one that got an error answer told the time', async () => {
    const local = localClock('2026-03-01T12:00:00.000Z');
    const unreachable = new ServiceClock({
      local: local.clock,
      probe: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    });
    await expect(unreachable.ready()).rejects.toThrow('connect ECONNREFUSED');
    const answered: ServiceClock = new ServiceClock({
      local: local.clock,
      probe: async () => {
        answered.observe({
          service: 'DynamoDB',
          date: httpDate('2026-03-01T12:00:00Z'),
          sentAt: local.ms,
          receivedAt: local.ms,
        });
        throw new Error('ResourceNotFoundException');
      },
    });
    await expect(answered.ready()).resolves.toBeUndefined();
  });

  it('ready: refuses when the answers leave the time more uncertain than the tolerance, naming the offset', async () => {
    // The only answer took 6 minutes to come back: its Date could be anywhere in them.
    const local = localClock('2026-03-01T12:00:00.000Z');
    const clock = new ServiceClock({ local: local.clock, toleranceMs: 2 * MINUTE });
    const sentAt = local.ms;
    local.advance(6 * MINUTE);
    clock.observe({
      service: 'DynamoDB',
      date: httpDate('2026-03-01T12:13:00Z'),
      sentAt,
      receivedAt: local.ms,
    });
    const refused = clock.ready();
    await expect(refused).rejects.toBeInstanceOf(ClockSkewError);
    await expect(refused).rejects.toThrow(
      "cannot tell the time to write to the store within 2m 0.0s: DynamoDB's answers place it only within ±3m 0.5s (this machine's clock is 10m 0.5s behind DynamoDB's); nothing was written",
    );
    await expect(refused).rejects.toMatchObject({ offsetMs: 10 * MINUTE + 500, toleranceMs: 2 * MINUTE });
  });

  it('refuses a tolerance that is not a positive number of ms', () => {
    expect(() => new ServiceClock({ toleranceMs: 0 })).toThrow(RangeError);
    expect(() => new ServiceClock({ toleranceMs: Number.NaN })).toThrow(RangeError);
  });

  it('formats durations as people read them', () => {
    expect(formatDuration(432_300)).toBe('7m 12.3s');
    expect(formatDuration(-400)).toBe('0.4s');
  });
});
