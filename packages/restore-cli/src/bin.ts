#!/usr/bin/env node
import { exec } from './cli.js';
import { ConsoleIoHost } from './io/consoleIoHost.js';

process.exitCode = await exec(process.argv.slice(2), new ConsoleIoHost());
