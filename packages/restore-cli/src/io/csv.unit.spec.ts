import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestoreReport } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from './csv.js';
import { writeReportFiles } from './reportFiles.js';

describe('a CSV cell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+cmd|/C calc!A0', "'+1+cmd|/C calc!A0"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tstarts with a tab', "'\tstarts with a tab"],
    ['\r=still a formula', `"'\r=still a formula"`],
  ])('that a spreadsheet would run (%j) starts with a quote mark', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('is quoted as RFC 4180 says, and left as it is otherwise', () => {
    expect(csvCell('alice')).toBe('alice');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('mid=dle-@+')).toBe('mid=dle-@+');
    expect(csvCell('')).toBe('');
  });

  it('makes a table of a header and rows, one line each', () => {
    expect(csvTable(['name', 'id'], [['=1+1', 'a,b']])).toBe(`name,id\n'=1+1,"a,b"\n`);
  });
});

describe('the restore ledgers', () => {
  it('hold no cell a spreadsheet would run as a formula', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-'));
    try {
      const report = {
        finishedAt: '2025-06-01T12:00:00.000Z',
        subLedger: [{ username: '=HYPERLINK("http://evil","x")', oldSub: 'old-sub', newSub: 'new-sub' }],
        clientLedger: [{ clientName: '@SUM(1+1)', oldClientId: 'old-id', newClientId: 'new-id' }],
      } as unknown as RestoreReport;
      const files = await writeReportFiles(dir, report);
      const text = async (part: string) => readFile(files.find((f) => f.includes(part)) as string, 'utf8');
      expect(await text('sub-ledger-')).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
      expect(await text('client-id-ledger-')).toContain("'@SUM(1+1)");
      for (const part of ['sub-ledger-', 'client-id-ledger-'])
        expect((await text(part)).split(/[\n,]/).filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
