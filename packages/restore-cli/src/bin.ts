#!/usr/bin/env node
import { exec } from './cli.js';
import { ConsoleIoHost } from './io/consoleIoHost.js';

// The AWS SDK warns on every run under Node 20 that releases after January 2027 need Node 22. The
// README says so once; repeating it on each command would bury the output people came for.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!warning.message.startsWith('NodeVersionSupportWarning')) process.stderr.write(`${warning}\n`);
});

// `restore-cli state … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await exec(process.argv.slice(2), new ConsoleIoHost());
