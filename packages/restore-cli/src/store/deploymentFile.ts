import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  type Deployment,
  type GivenSettings,
  parseDeployment,
  parseSetting,
} from '@cognito-rewind/core';

/**
 * The deployment `--deployment <file>` (or `REWIND_DEPLOYMENT`) names: the outputs file `cdk deploy
 * --outputs-file` wrote, read here and parsed by core. Undefined when none is named.
 */
export function readDeployment(given: GivenSettings, cwd: string): Deployment | undefined {
  const source = given.deployment;
  if (source === undefined) return undefined;
  const file = parseSetting('deployment', source);
  let text: string;
  try {
    // A few hundred bytes, read once before anything else: no reason to go async.
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : message;
    throw new ConfigError(
      source.from,
      `${file}: ${why} (write it with \`cdk deploy --outputs-file ${file}\`)`,
      { cause: error },
    );
  }
  const stack =
    given.stack === undefined ? undefined : { ...given.stack, value: parseSetting('stack', given.stack) };
  return parseDeployment(text, { ...source, value: file }, stack);
}
