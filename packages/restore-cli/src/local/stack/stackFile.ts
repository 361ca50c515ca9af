import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { z } from 'zod';

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

/** The stack file of `dir`, or undefined when there is none; a damaged one is an input error. */
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
  return parsed.data;
}

/** Whether the stack the file describes is serving: not marked stopped, and its process alive. */
export function isStackRunning(info: StackInfo): boolean {
  if (info.status === 'stopped') return false;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
