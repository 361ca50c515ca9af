/**
 * Delivery faults EventBridge really has (at-least-once, unordered, occasionally late), made
 * reproducible so capture's handling of them can be tested without flakiness.
 */

/** An event about to be delivered: `index` counts emitted events from 0, before any fault. */
export interface TapEventInfo {
  readonly eventName: string;
  readonly index: number;
  readonly event: object;
}

type Decide = (info: TapEventInfo) => boolean;

export interface TapFaults {
  /** Deliver the event twice (same `id`, same `eventID`), as EventBridge may. */
  readonly duplicate?: boolean | Decide;
  /** Deliver nothing: a predicate, or a probability in [0, 1] (random: prefer the predicate in tests). */
  readonly drop?: number | Decide;
  /** Deliver after this many milliseconds. */
  readonly delayMs?: number | ((info: TapEventInfo) => number);
  /** Hold events and deliver each window of this many in reverse order; the rest on `flush()`. */
  readonly reorder?: number;
}

export type Deliver = (event: object) => void | Promise<void>;

const decide = (rule: boolean | number | Decide | undefined, info: TapEventInfo): boolean => {
  if (typeof rule === 'function') return rule(info);
  if (typeof rule === 'number') return Math.random() < rule;
  return rule === true;
};

/** Applies the faults between the tap and the consumer; `idle()` waits for every delivery in flight. */
export class FaultyDelivery {
  private index = 0;
  private held: TapEventInfo[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deliver: Deliver,
    private readonly faults: TapFaults = {},
  ) {}

  /**
   * Resolves once the consumer has taken the event (its `Deliver` promise settled), so the tap can
   * answer its client only then; at once for an event a fault drops, delays or holds back.
   */
  emit(eventName: string, event: object): Promise<void> {
    const info: TapEventInfo = { eventName, index: this.index++, event };
    if (decide(this.faults.drop, info)) return Promise.resolve();
    const copies = decide(this.faults.duplicate, info) ? [info, info] : [info];
    const window = this.faults.reorder ?? 0;
    if (window <= 1) return Promise.all(copies.map((copy) => this.send(copy))).then(() => {});
    this.held.push(...copies);
    while (this.held.length >= window) this.release(this.held.splice(0, window));
    return Promise.resolve();
  }

  /** Delivers what `reorder` still holds (reversed, like a full window). */
  flush(): void {
    this.release(this.held.splice(0));
  }

  /** Resolves once every delivery started so far has finished (delays included). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private release(batch: TapEventInfo[]): void {
    for (const info of batch.reverse()) this.send(info);
  }

  /** Starts the delivery; resolves with it when it is immediate, at once when a fault delays it. */
  private send(info: TapEventInfo): Promise<void> {
    const rule = this.faults.delayMs;
    const delay = typeof rule === 'function' ? rule(info) : (rule ?? 0);
    const run = async (): Promise<void> => {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.deliver(info.event);
      } catch (error) {
        // The forwarded call already succeeded or failed on its own: a consumer's failure must not
        // change it, only be seen.
        process.stderr.write(`cloudTrailTap: onEvent failed for ${info.eventName}: ${String(error)}\n`);
      }
    };
    const done = run().finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    return delay > 0 ? Promise.resolve() : done;
  }
}
