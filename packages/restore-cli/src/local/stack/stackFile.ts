import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { z } from 'zod';
import { DELIVERY_ORDERS } from './localQueueOptions.js';

/**
 * `<dir>/local/stack.json`: where a running local stack says what it serves, so the other commands
 * (`--local`), other tools and people can find it. Paths in it are absolute: it is read from anywhere.
 */

const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('directory'), dir: z.string() }),
  z.object({
    kind: z.literal('aws'),
    bucket: z.string(),
    table: z.string(),
    s3Endpoint: z.string(),
    dynamodbEndpoint: z.string(),
    /** Where dynalite and s3rver keep their data between runs. */
    dataDir: z.string(),
  }),
]);

/** How the capture queue delivers, and where it keeps its messages between runs. */
const captureQueueSchema = z.object({
  /** The queue's journal: the events accepted and not yet captured survive a crash in it. */
  journal: z.string(),
  /** How long each event is held before capture can receive it (CloudTrail's delivery delay). */
  eventDelayMs: z.number().int().nonnegative(),
  eventOrder: z.enum(DELIVERY_ORDERS),
});

const stackSchema = z.object({
  status: z.enum(['running', 'stopped']),
  pid: z.number().int(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  /** The Cognito endpoint to point clients at: the CloudTrail tap in front of cognito-local. */
  cognitoEndpoint: z.string(),
  region: z.string(),
  store: storeSchema,
  deadLetters: z.string(),
  /** Absent in the files of stacks from before the queue was kept on disk. */
  captureQueue: captureQueueSchema.optional(),
});

export type StackInfo = z.infer<typeof stackSchema>;
export type StackStore = z.infer<typeof storeSchema>;

export const stackFilePath = (dir: string): string => join(dir, 'local', 'stack.json');

/** Written whole to a temp file and renamed: a reader never sees half a file. */
export async function writeStackFile(dir: string, info: StackInfo): Promise<void> {
  const path = stackFilePath(dir);
  await writeFile(`${path}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * The stack file of `dir`, or undefined when there is none; a damaged one is an input error. A file
 * that says `running` for a process that is gone (killed, crashed, the machine restarted) is read as
 * `stopped`: that stack serves nothing, and a new one may start in its place.
 */
export async function readStackFile(dir: string): Promise<StackInfo | undefined> {
  const path = stackFilePath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${path} is not JSON: start the stack again with \`pnpm start\``);
  }
  const parsed = stackSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidInputError(
      `${path} is not a local stack file (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
    );
  const info = parsed.data;
  return info.status === 'running' && !isProcessAlive(info.pid) ? { ...info, status: 'stopped' } : info;
}

/** Whether the stack the file describes is serving: not marked stopped, and its process alive. */
export function isStackRunning(info: StackInfo): boolean {
  return info.status === 'running' && isProcessAlive(info.pid);
}

function isProcessAlive(pid: number): boolean {
  // Signal 0 checks the process exists without touching it. Never pid 0 or below: those name groups.
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
