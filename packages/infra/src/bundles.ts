import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The four Lambda functions, named as the handlers' bundle script names their folders. */
export const FUNCTION_NAMES = ['capture', 'snapshot', 'archive', 'reconcile'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Where the handlers' esbuild bundles are: `bundle/<name>/index.mjs` in `@cognito-rewind/handlers`,
 * made by its `pnpm bundle` (and shipped in its package), so synth needs no Docker and no network.
 */
export function defaultBundleDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cognito-rewind/handlers/package.json')), 'bundle');
}

/** The folder of one function's bundle, checked: a missing bundle fails synth, not a deploy. */
export function functionBundle(bundleDir: string, name: FunctionName): string {
  const dir = join(bundleDir, name);
  if (!existsSync(join(dir, 'index.mjs')))
    throw new Error(
      `no ${name} bundle in ${bundleDir}: run \`pnpm --filter @cognito-rewind/handlers bundle\` (pnpm synth does) first`,
    );
  return dir;
}
