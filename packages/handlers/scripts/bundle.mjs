import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * The Lambda functions as they are deployed: one ES module per function,
 * `<outdir>/<name>/index.mjs` (handler `index.handler`) with its source map beside it, and
 * esbuild's metafile as `<outdir>/<name>.meta.json` (outside the function's folder, so an asset made
 * of the folder holds only the code). `node scripts/bundle.mjs [--outdir <dir>]`, default `bundle/`;
 * `@cognito-rewind/core` is bundled from its `dist`, so `tsc -b` runs first (`pnpm bundle` does).
 *
 * The AWS SDK v3 is bundled, not left to the one the Node.js runtime carries: that copy is whatever
 * version Lambda ships that month (AWS's operator guide: lock it by packaging it), while core's
 * adapters are tested against the versions in the lockfile, with their own retry strategy and
 * service clock built on the SDK's smithy internals, which must be the same copy as the clients'.
 */

export const LAMBDAS = ['capture', 'snapshot', 'archive', 'reconcile'];

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Bundles every function into `outdir`; the metafile of each, by name. */
export async function bundleLambdas(outdir) {
  const metafiles = {};
  for (const name of LAMBDAS) {
    const dir = join(outdir, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const result = await build({
      absWorkingDir: packageDir,
      entryPoints: [join(packageDir, 'src', 'lambda', `${name}.ts`)],
      outfile: join(dir, 'index.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      // ES module builds where packages have both (the SDK's dist-es): smaller, and tree-shaken.
      mainFields: ['module', 'main'],
      // CommonJS dependencies bundled into an ES module still call `require` for Node's built-ins.
      banner: {
        js: "import { createRequire as __rewindCreateRequire } from 'node:module'; const require = __rewindCreateRequire(import.meta.url);",
      },
      minify: true,
      // Errors and classes keep their names in logs and `instanceof`-free checks.
      keepNames: true,
      sourcemap: 'linked',
      // Stack traces need only the mappings (NODE_OPTIONS=--enable-source-maps); not the sources.
      sourcesContent: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
    });
    await writeFile(join(outdir, `${name}.meta.json`), `${JSON.stringify(result.metafile)}\n`);
    metafiles[name] = result.metafile;
  }
  return metafiles;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { outdir: { type: 'string', default: join(packageDir, 'bundle') } },
  });
  const outdir = resolve(values.outdir);
  await bundleLambdas(outdir);
  console.log(`bundled ${LAMBDAS.join(', ')} into ${outdir}`);
}
