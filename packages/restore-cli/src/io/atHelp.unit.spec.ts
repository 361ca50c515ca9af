import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { exec } from '../cli.js';
import { RecordingIoHost } from './ioHost.js';
import { parseAt } from './parseTime.js';

/** The forms the README's paragraph on `--at` shows, each in backquotes. */
async function documentedForms(): Promise<string[]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const paragraph = /^`--at` takes [\s\S]*?(?=\n\n)/m.exec(readme)?.[0] ?? '';
  return [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string).filter((form) => form !== '--at');
}

async function help(command: string): Promise<string> {
  const io = new RecordingIoHost();
  await exec([command, '--help'], io);
  return io.output;
}

describe('the --at forms the README documents', () => {
  it('are found, a handful of them', async () => {
    expect((await documentedForms()).length).toBeGreaterThanOrEqual(4);
  });

  it.each(['state', 'restore'])('each appear in `%s --help`', async (command) => {
    const text = await help(command);
    for (const form of await documentedForms())
      expect({ form, shown: text.includes(form) }).toEqual({ form, shown: true });
  });

  it('each parse', async () => {
    const now = new Date('2025-06-01T12:00:00Z');
    for (const form of await documentedForms()) expect(parseAt(form, now)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
