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
  /** Whether a person is there to answer `confirm` (stdin and stderr are a terminal). */
  readonly canAsk: boolean;
  /** Asks a yes/no question; only called when `canAsk`. */
  confirm(question: string): Promise<boolean>;
}

const silentBar: ProgressBar = { update: () => {}, stop: () => {} };

/** Records output in memory; used by tests and by callers that post-process output. */
export class RecordingIoHost implements IoHost {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly isTTY = false;
  /** Answers to give `confirm`, in order; none given: nobody is there to ask. */
  constructor(private readonly answers?: boolean[]) {}
  get canAsk(): boolean {
    return this.answers !== undefined;
  }
  async confirm(question: string): Promise<boolean> {
    this.stderr.push(question);
    return this.answers?.shift() ?? false;
  }
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
