import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// The handlers' own bundle script: the tests synthesize the functions as a deploy would ship them.
import { bundleLambdas } from '../../handlers/scripts/bundle.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The handlers' esbuild bundles, made once for the whole infra test run. */
    bundleDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-infra-bundles-'));
  await bundleLambdas(dir);
  project.provide('bundleDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
