import { ClockSkewError } from '../errors.js';
import { type Clock, systemClock } from '../ports.js';

/** One answer of a service: its `Date` header, and the local clock around the call that got it. */
export interface ServiceTimeSample {
  /** Who answered, for messages: `DynamoDB`, `S3`. */
  readonly service: string;
  /** The response's `Date` header: an HTTP date, in whole seconds. */
  readonly date: string;
  /** The local clock (epoch ms) as the request left, and as the response's headers came back. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface ServiceClockOptions {
  /** This machine's clock, the one corrected. @default the system clock */
  readonly local?: Clock;
  /**
   * The largest error of `now()` the store absorbs: `ready` refuses beyond it. It must stay under the
   * margins positions are taken with (5 minutes, `DynamoChangeLog.positionLagMs`), which also cover
   * index propagation and puts in flight. @default 2 minutes
   */
  readonly toleranceMs?: number;
  /** A cheap call to a service whose answer reaches `observe`: what `ready` makes when none has yet. */
  readonly probe?: () => Promise<unknown>;
}

export const DEFAULT_CLOCK_TOLERANCE_MS = 2 * 60_000;

/**
 * How far behind "now" the change log takes positions by default (`DynamoChangeLog.positionLagMs`).
 * Writers' clocks are the services' time within the tolerance, which must stay under this lag; the
 * rest covers index propagation and puts in flight.
 */
export const POSITION_LAG_MS = 5 * 60_000;

/** What the answers so far say of `service − local` (ms): it lies in [low, high]. */
interface OffsetRange {
  readonly low: number;
  readonly high: number;
  readonly service: string;
}

/** `7m 12.3s`, `0.4s`: an offset or error as people read it. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const seconds = ((abs % 60_000) / 1000).toFixed(1);
  return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}

const describeOffset = (offset: number, service: string): string =>
  offset >= 0
    ? `this machine's clock is ${formatDuration(offset)} behind ${service}'s`
    : `this machine's clock is ${formatDuration(offset)} ahead of ${service}'s`;

/**
 * The local clock corrected by the time of the services the store lives in, as their answers' `Date`
 * headers tell it. Positions in the change log are times stamped by whichever machine appends or
 * reads, and compared across machines: a writer whose clock is minutes behind stamps a record before a
 * position another machine already took, and every later read "appended since" it misses the record
 * for good. With every machine on the services' time, the skew left is this clock's error, which
 * `ready` bounds by `toleranceMs`.
 *
 * A `Date` header is whole seconds, stamped somewhere between the request leaving and the answer
 * coming back, so one answer places the offset within 1 s plus the round trip. Answers that agree
 * narrow it further; one that disagrees with all before it (the local clock was stepped, or has
 * drifted out of the range) replaces them. Until the first answer `now()` is the local clock: writers
 * of times other machines compare against await `ready` first, which asks the service when nobody has.
 */
export class ServiceClock implements Clock {
  private readonly local: Clock;
  private readonly toleranceMs: number;
  private readonly probe: (() => Promise<unknown>) | undefined;
  private range: OffsetRange | undefined;

  constructor(options: ServiceClockOptions = {}) {
    this.local = options.local ?? systemClock;
    this.toleranceMs = options.toleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
    if (!(this.toleranceMs > 0))
      throw new RangeError(`a clock tolerance must be a positive number of ms, not ${this.toleranceMs}`);
    this.probe = options.probe;
  }

  /** The local clock's reading (epoch ms), for timing a call whose answer is then `observe`d. */
  localTime(): number {
    return this.local.now().getTime();
  }

  /** Takes in one answer; a missing or unreadable date, or a call that ended before it began, is ignored. */
  observe(sample: ServiceTimeSample): void {
    const served = Date.parse(sample.date);
    if (Number.isNaN(served) || !(sample.receivedAt >= sample.sentAt)) return;
    // The service's time when it answered lay in [served, served + 1 s), and the local one in
    // [sentAt, receivedAt].
    const low = served - sample.receivedAt;
    const high = served + 1000 - sample.sentAt;
    const known = this.range;
    this.range =
      known !== undefined && low <= known.high && high >= known.low
        ? { low: Math.max(low, known.low), high: Math.min(high, known.high), service: sample.service }
        : { low, high, service: sample.service };
  }

  /**
   * The best estimate of `service − local` (ms), or undefined before any answer: none at all when the
   * answers cannot tell the local clock from the service's (a whole-second header proves nothing finer,
   * and moving a synchronised clock by up to half a second would date this machine's writes out of
   * order with its own reads of Cognito); else the middle of what they allow.
   */
  get offsetMs(): number | undefined {
    const range = this.range;
    if (range === undefined) return undefined;
    if (range.low <= 0 && range.high >= 0) return 0;
    return Math.round((range.low + range.high) / 2);
  }

  /** How far `now()` may be from the service's time (ms), or undefined before any answer. */
  get errorMs(): number | undefined {
    const range = this.range;
    const offset = this.offsetMs;
    if (range === undefined || offset === undefined) return undefined;
    return Math.ceil(Math.max(offset - range.low, range.high - offset));
  }

  now(): Date {
    return new Date(this.localTime() + (this.offsetMs ?? 0));
  }

  async ready(): Promise<void> {
    if (this.range === undefined && this.probe !== undefined) {
      try {
        await this.probe();
      } catch (error) {
        // An answer, even an error, still told the time; no answer at all is the caller's real problem.
        if (this.range === undefined) throw error;
      }
    }
    const range = this.range;
    const offset = this.offsetMs;
    const error = this.errorMs;
    if (range === undefined || offset === undefined || error === undefined)
      throw new ClockSkewError(
        `cannot tell the time to write to the store: no answer of its services carried a Date header, and the local clock alone cannot be vouched for within ${formatDuration(this.toleranceMs)}`,
        undefined,
        this.toleranceMs,
      );
    if (error > this.toleranceMs)
      throw new ClockSkewError(
        `cannot tell the time to write to the store within ${formatDuration(this.toleranceMs)}: ${range.service}'s answers place it only within ±${formatDuration(error)} (${describeOffset(offset, range.service)}); nothing was written`,
        offset,
        this.toleranceMs,
      );
  }
}
