import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `pnpm bundle`: each Lambda function is one ES module that loads on its own, in a Node process that
 * can reach no node_modules, and holds nothing that only tests use. What went in is read from
 * esbuild's metafile (every input file, by path), not searched for in the output's text.
 */

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const LAMBDAS = ['capture', 'snapshot', 'archive', 'reconcile'];

/** The packages only tests use, and the names of test code in this repository. */
const TEST_PACKAGES = ['vitest', 'fast-check', 'cognito-local', 'dynalite', 's3rver'];

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[]; entryPoint?: string }>;
}

/** Why an input path is test code, or undefined. pnpm keeps a package under `.pnpm/<name>@<version>/`. */
function testInput(path: string): string | undefined {
  const segments = path.split(/[\\/]/);
  for (const name of TEST_PACKAGES)
    if (segments.some((s) => s === name || s.startsWith(`${name}@`))) return `the test package ${name}`;
  if (segments.includes('testing')) return 'a testing/ folder';
  const file = segments.at(-1) ?? '';
  if (/\.(spec|testing)\.[cm]?[jt]s$/.test(file)) return 'a spec or testing module';
  if (/cognitoFake/i.test(path)) return 'the Cognito fake';
  return undefined;
}

/** A Node process with no NODE_PATH and a working directory outside the workspace: only the file itself. */
const bareEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(node_path|node_options|npm_.*|pnpm_.*)$/i.test(name)) env[name] = value;
  return env;
};

let outdir: string;
const metafiles: Record<string, Metafile> = {};

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'rewind-bundle-'));
  await run(process.execPath, [join(packageDir, 'scripts', 'bundle.mjs'), '--outdir', outdir], {
    cwd: packageDir,
  });
  for (const name of LAMBDAS)
    metafiles[name] = JSON.parse(await readFile(join(outdir, `${name}.meta.json`), 'utf8')) as Metafile;
}, 120_000);

afterAll(async () => {
  if (outdir !== undefined) await rm(outdir, { recursive: true, force: true });
});

describe('the Lambda bundles', () => {
  it('names test code by its path, whichever way the package manager lays it out', () => {
    expect(
      testInput('../../node_modules/.pnpm/vitest@3.2.7/node_modules/vitest/dist/index.js'),
    ).toBeDefined();
    expect(testInput('../../node_modules/fast-check/lib/fast-check.js')).toBeDefined();
    expect(testInput('../core/dist/testing/s3rver.js')).toBeDefined();
    expect(testInput('src/testing/faults.testing.ts')).toBeDefined();
    expect(testInput('src/capture/capture.int.spec.ts')).toBeDefined();
    expect(testInput('../core/dist/cognitoFake/index.js')).toBeDefined();
    expect(testInput('../core/dist/capture/captureEvent.js')).toBeUndefined();
    expect(testInput('../../node_modules/.pnpm/@aws-sdk+client-s3@3.1.0/node_modules/x.js')).toBeUndefined();
  });

  it.each(LAMBDAS)('%s is one ES module, with only Node built-ins left outside it', (name) => {
    expect(existsSync(join(outdir, name, 'index.mjs'))).toBe(true);
    expect(existsSync(join(outdir, name, 'index.mjs.map'))).toBe(true);
    const outputs = Object.entries(metafiles[name]?.outputs ?? {});
    const code = outputs.filter(([path]) => path.endsWith('.mjs'));
    expect(code.map(([path]) => path.split(/[\\/]/).slice(-2).join('/'))).toEqual([`${name}/index.mjs`]);
    expect(code[0]?.[1].entryPoint).toBe(`src/lambda/${name}.ts`);
    const external = (code[0]?.[1].imports ?? []).filter((i) => i.external).map((i) => i.path);
    expect(external.filter((path) => !isBuiltin(path))).toEqual([]);
  });

  it.each(LAMBDAS)('%s holds nothing that only tests use', (name) => {
    const inputs = Object.keys(metafiles[name]?.inputs ?? {});
    // The check sees what went in: the handler, core and the AWS SDK (bundled, not the runtime's).
    expect(inputs).toContain(`src/lambda/${name}.ts`);
    expect(inputs.some((path) => path.includes('core/dist/'))).toBe(true);
    expect(inputs.some((path) => path.includes('@aws-sdk'))).toBe(true);
    expect(
      inputs.flatMap((path) => (testInput(path) === undefined ? [] : [`${path}: ${testInput(path)}`])),
    ).toEqual([]);
  });

  it('each loads in a fresh Node process that reaches no node_modules, and exports handler', async () => {
    const loaded = await Promise.all(
      LAMBDAS.map(async (name) => {
        const url = pathToFileURL(join(outdir, name, 'index.mjs')).href;
        const script = `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`;
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          cwd: outdir,
          env: bareEnv(),
        });
        return [name, stdout.trim()];
      }),
    );
    expect(Object.fromEntries(loaded)).toEqual(Object.fromEntries(LAMBDAS.map((name) => [name, 'function'])));
  });
});
