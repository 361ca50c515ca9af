import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionAsset } from './functionAssets.testing.js';

/**
 * What the Lambda runtime does with a function, in a fresh `node` process: it imports the handler
 * module named by `Handler` from the staged folder (its working directory, as /var/task is), builds
 * a context with the deadline the function's `Timeout` gives, awaits the handler and hands back its
 * result. A rejected handler is an uncaught error: the process exits non-zero, as an invocation
 * fails. Lambda freezes the process after the result instead of waiting for its sockets to close, so
 * the script exits once the result is written.
 */
const RUNTIME = `
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
const [, moduleUrl, exportName, eventFile, resultFile, functionName, timeoutSeconds, memory] = process.argv;
const module = await import(moduleUrl);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(exportName + ' is not a function of ' + moduleUrl);
const deadline = Date.now() + Number(timeoutSeconds) * 1000;
const arn = 'arn:aws:lambda:' + process.env.AWS_REGION + ':123456789012:function:' + functionName;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: arn,
  memoryLimitInMB: memory,
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => deadline - Date.now(),
  done() {}, fail() {}, succeed() {},
};
const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
writeFileSync(resultFile, JSON.stringify(result ?? null));
process.exit(0);
`;

export interface Invocation {
  /** The process's exit code (0: the handler resolved). */
  code: number;
  /** What the handler resolved to, as JSON; undefined when it did not. */
  result: unknown;
  /** What the function printed: Powertools' JSON log lines and EMF metrics. */
  stdout: string;
  stderr: string;
}

/**
 * Invokes one function's staged asset in its own `node` process with `env` as its whole environment
 * (nothing inherited: no NODE_PATH, no workspace), and waits for it to exit.
 */
export async function invokeAsset(
  asset: FunctionAsset,
  event: unknown,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Invocation> {
  const { Handler, Timeout, MemorySize } = asset.properties as {
    Handler: string;
    Timeout: number;
    MemorySize: number;
  };
  const dot = Handler.lastIndexOf('.');
  // Lambda's Node.js runtime tries index.js, index.mjs, index.cjs; the bundles are ES modules.
  const moduleFile = join(asset.dir, `${Handler.slice(0, dot)}.mjs`);
  const work = await mkdtemp(join(tmpdir(), `rewind-invoke-${asset.name}-`));
  try {
    const eventFile = join(work, 'event.json');
    const resultFile = join(work, 'result.json');
    await writeFile(eventFile, JSON.stringify(event));
    const args = [
      '--input-type=module',
      '-e',
      RUNTIME,
      pathToFileURL(moduleFile).href,
      Handler.slice(dot + 1),
      eventFile,
      resultFile,
      asset.name,
      String(Timeout),
      String(MemorySize),
    ];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          args,
          { cwd: asset.dir, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
          (error, out, err) => {
            const exit = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
            resolve({ code: exit, stdout: out, stderr: err });
          },
        );
      },
    );
    const result = code === 0 ? (JSON.parse(await readFile(resultFile, 'utf8')) as unknown) : undefined;
    return { code, result, stdout, stderr };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
