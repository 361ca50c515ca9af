#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { parseRewindConfig, RewindConfigError } from '../config/rewindConfig.js';
import { buildRewind } from '../rewindApp.js';

/**
 * The CDK app: `cdk synth|deploy -c config=<file>` (default `rewind.config.json` in this folder;
 * `rewind.config.example.json` shows every field). A wrong value stops synth with one sentence.
 * `-c bundleDir=<dir>` takes the functions' bundles from elsewhere than `@cognito-rewind/handlers`.
 */
const app = new App();
const file = resolve(String(app.node.tryGetContext('config') ?? 'rewind.config.json'));
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch {
  console.error(
    `no configuration at ${file}: copy rewind.config.example.json to rewind.config.json and edit it, or pass -c config=<file>`,
  );
  process.exit(2);
}
try {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new RewindConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const bundleDir = app.node.tryGetContext('bundleDir') as string | undefined;
  buildRewind(
    app,
    parseRewindConfig(input, file),
    bundleDir === undefined ? {} : { bundleDir: resolve(bundleDir) },
  );
} catch (error) {
  if (!(error instanceof RewindConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
app.synth();
