import { createInterface } from 'node:readline/promises';
import cliProgress from 'cli-progress';
import type { IoHost, ProgressBar } from './ioHost.js';

/** The real terminal: stdout for results, stderr for the rest, a progress bar only on a TTY. */
export class ConsoleIoHost implements IoHost {
  readonly isTTY = Boolean(process.stderr.isTTY);
  readonly canAsk = Boolean(process.stdin.isTTY && process.stderr.isTTY);

  async confirm(question: string): Promise<boolean> {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  }

  out(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  err(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  progress(label: string): ProgressBar {
    if (!this.isTTY) return { update: () => {}, stop: () => {} };
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {label}`, stream: process.stderr, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, { label: '' });
    return {
      update: (value, total, text) => {
        if (total !== undefined) bar.setTotal(Math.max(total, value, 1));
        else if (value > bar.getTotal()) bar.setTotal(value);
        bar.update(value, { label: text ?? '' });
      },
      stop: () => bar.stop(),
    };
  }
}
