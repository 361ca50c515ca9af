import {
  type AppendOutcome,
  type CaptureDeps,
  type CaptureOutcome,
  type ChangeRecord,
  captureEvent,
  ForwardingChangeLog,
  parseCognitoEvent,
} from '@cognito-rewind/core';

/** What the local recovery-point benchmark puts between the tap and the log: a timed log and a consumer. */

/** The change log, remembering when each event's first record was appended (the append resolved). */
export class TimedChangeLog extends ForwardingChangeLog {
  readonly appendedAt = new Map<string, number>();

  override async append(record: ChangeRecord): Promise<AppendOutcome> {
    const outcome = await this.inner.append(record);
    const eventId = record.event?.eventId;
    if (outcome === 'appended' && eventId !== undefined && !this.appendedAt.has(eventId))
      this.appendedAt.set(eventId, performance.now());
    return outcome;
  }
}

export interface Captured {
  eventName: string;
  eventId: string;
  emittedAt: number;
  startedAt?: number;
  doneAt?: number;
  outcome?: CaptureOutcome;
  error?: string;
}

/** Takes the tap's events in emission order and captures them, `concurrency` at a time. */
export class CaptureConsumer {
  readonly events: Captured[] = [];
  private readonly waiting: { captured: Captured; json: unknown }[] = [];
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly deps: CaptureDeps,
    private readonly concurrency: number,
  ) {}

  push(json: unknown): void {
    const detail = (json as { detail?: { eventName?: string; eventID?: string } }).detail;
    const captured: Captured = {
      eventName: detail?.eventName ?? '?',
      eventId: detail?.eventID ?? '?',
      emittedAt: performance.now(),
    };
    this.events.push(captured);
    this.waiting.push({ captured, json });
    this.pump();
  }

  /** Resolves once every event pushed so far is captured. */
  drained(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      this.active++;
      void this.capture(next.captured, next.json).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.waiting.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async capture(captured: Captured, json: unknown): Promise<void> {
    captured.startedAt = performance.now();
    try {
      const parsed = parseCognitoEvent(json);
      if (!parsed.ok) throw new Error(parsed.reason);
      captured.outcome = await captureEvent(this.deps, parsed.event);
    } catch (error) {
      captured.error = String(error);
    }
    captured.doneAt = performance.now();
  }
}
