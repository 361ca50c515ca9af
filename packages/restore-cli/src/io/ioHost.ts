/**
 * Every byte the CLI shows goes through an IoHost, so tests assert on recorded messages instead of
 * scraping stdout, and a progress bar only ever appears on a terminal.
 */
export interface ProgressBar {
  update(value: number, total?: number, label?: string): void;
  stop(): void;
}

export interface IoHost {
  /** Results: what a script piping our output wants. */
  out(text: string): void;
  /** Diagnostics, warnings and errors. */
  err(text: string): void;
  readonly isTTY: boolean;
  progress(label: string): ProgressBar;
}

const silentBar: ProgressBar = { update: () => {}, stop: () => {} };

/** Records output in memory; used by tests and by callers that post-process output. */
export class RecordingIoHost implements IoHost {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly isTTY = false;
  out(text: string): void {
    this.stdout.push(text);
  }
  err(text: string): void {
    this.stderr.push(text);
  }
  progress(): ProgressBar {
    return silentBar;
  }
  get output(): string {
    return this.stdout.join('\n');
  }
  get errors(): string {
    return this.stderr.join('\n');
  }
}
