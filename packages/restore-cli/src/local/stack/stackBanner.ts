import { isAbsolute, relative } from 'node:path';
import { LOCAL_CREDENTIALS } from '@cognito-rewind/core/adapters/aws';
import { type StackInfo, stackFilePath } from './stackFile.js';

/** A path relative to where the command runs when it lies inside it; absolute otherwise. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function describeStore(info: StackInfo, cwd: string): string {
  const { store } = info;
  if (store.kind === 'directory') return `directory ${shownPath(cwd, store.dir)}`;
  return `s3://${store.bucket} on s3rver ${store.s3Endpoint} + table ${store.table} on dynalite ${store.dynamodbEndpoint} (data in ${shownPath(cwd, store.dataDir)})`;
}

/** `--event-delay` and `--event-order`, as the banner says them. */
export function describeDelivery({
  eventDelayMs,
  eventOrder,
}: NonNullable<StackInfo['captureQueue']>): string {
  const delay = eventDelayMs === 0 ? 'events delivered at once' : `events held ${durationText(eventDelayMs)}`;
  return `${delay}, ${eventOrder === 'shuffled' ? 'shuffled' : 'in order'}`;
}

/** `300000` → `5m`, `1500` → `1.5s`, `250` → `250ms`: the way the options are written. */
function durationText(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const)
    if (ms >= size) return `${Number((ms / size).toFixed(3))}${unit}`;
  return `${ms}ms`;
}

/**
 * What `pnpm start` prints once the stack serves: where to point clients (the AWS CLI and the SDK,
 * any credentials), where everything is kept, and the commands to try on it. `bareLocal`: a bare
 * `--local` means `dir` (in another terminal too), so the commands need not name it.
 */
export function stackBanner(
  info: StackInfo,
  dir: string,
  cwd: string,
  pools: readonly string[],
  bareLocal: boolean,
): string[] {
  const endpoint = info.cognitoEndpoint;
  const { accessKeyId, secretAccessKey } = LOCAL_CREDENTIALS;
  const local = bareLocal ? '--local' : `--local ${shownPath(cwd, dir)}`;
  const pool = pools[0] ?? '<pool id>';
  return [
    `▶ Cognito Rewind is running locally (pid ${info.pid})`,
    `  Cognito endpoint  ${endpoint}  (region ${info.region}; cognito-local behind the CloudTrail tap: every change is captured)`,
    `  store             ${describeStore(info, cwd)}`,
    ...(info.captureQueue === undefined
      ? []
      : [
          `  capture queue     ${shownPath(cwd, info.captureQueue.journal)} (${describeDelivery(info.captureQueue)})`,
        ]),
    `  dead letters      ${shownPath(cwd, info.deadLetters)}`,
    `  stack file        ${shownPath(cwd, stackFilePath(dir))}`,
    `  watching          ${pools.length === 0 ? 'no pools yet: create one through the endpoint' : pools.join(', ')}`,
    '',
    'Point any AWS client at the endpoint (any credentials will do):',
    `  AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} aws cognito-idp list-user-pools --max-results 10 --endpoint-url ${endpoint} --region ${info.region}`,
    `  new CognitoIdentityProviderClient({ endpoint: '${endpoint}', region: '${info.region}', credentials: { accessKeyId: '${accessKeyId}', secretAccessKey: '${secretAccessKey}' } })`,
    '',
    'Then, in another terminal:',
    `  pnpm restore-cli state ${local} --pool ${pool} --at now`,
    `  pnpm restore-cli snapshots ${local} --pool ${pool}`,
    `  pnpm restore-cli restore ${local} --pool ${pool} --at <time> --dry-run`,
    `  pnpm restore-cli reconcile ${local} --pool ${pool}`,
    `  pnpm restore-cli verify ${local} --pool ${pool}`,
    '',
    'Ctrl-C stops it; the data stays for the next `pnpm start`.',
  ];
}
