import { z } from 'zod';
import { ConfigError, InvalidInputError } from '../errors.js';
import { DEPLOYMENT_OUTPUTS, type DeploymentOutput } from './deploymentOutputs.js';
import { type GivenSetting, type GivenSettings, isFlag, SETTINGS, type SettingName } from './settings.js';

/**
 * A deployed stack's outputs as settings: `cdk deploy --outputs-file` writes them, `--deployment
 * <file>` reads them back, so an operator names only the pool and the time. Parsing is pure: the CLI
 * reads the file and hands its text here.
 */

/** The setting each output gives. */
const OUTPUT_SETTING = {
  bucket: 'bucket',
  table: 'table',
  prefix: 'prefix',
  kmsKeyArn: 'kmsKeyId',
  region: 'region',
  restoreRoleArn: 'roleArn',
  poolIds: 'poolIds',
} as const satisfies Record<DeploymentOutput, SettingName>;

export type DeploymentSetting = (typeof OUTPUT_SETTING)[DeploymentOutput];

export interface Deployment {
  /** The file as it was named (`rewind-outputs.json`). */
  readonly file: string;
  /** The stack of the file whose outputs these are. */
  readonly stack: string;
  /**
   * What its outputs give, each named by where it came from (`RewindTableName of stack Rewind in
   * rewind-outputs.json`), so a bad value is reported there. Blank outputs (no prefix, no key) are absent.
   */
  readonly outputs: { readonly [K in DeploymentSetting]?: GivenSetting };
}

/** `{ "<stack>": { "<output>": <value> } }`: what `cdk deploy --outputs-file` writes. */
const outputsFile = z.record(z.string(), z.record(z.string(), z.unknown()));

const BUCKET_OUTPUT = DEPLOYMENT_OUTPUTS.bucket;

/** A setting named the way another was given: both flags, or both variables. */
const nameLike = (other: GivenSetting, name: SettingName): string =>
  isFlag(other.from) ? (SETTINGS[name] as { flag: string }).flag : SETTINGS[name].variable;

const listed = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(', '));

/**
 * The deployment in a CDK outputs file: the one stack that has the Rewind outputs, or the one `stack`
 * names. `source` is the `deployment` setting as given; every problem is a `ConfigError` naming it
 * and the file, and says what is wrong.
 */
export function parseDeployment(text: string, source: GivenSetting, stack?: GivenSetting): Deployment {
  const file = source.value;
  const bad = (problem: string) => new ConfigError(source.from, `${file} ${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(
      `is not JSON (${(error as Error).message}): give the file \`cdk deploy --outputs-file <file>\` wrote`,
    );
  }
  const parsed = outputsFile.safeParse(json);
  if (!parsed.success)
    throw bad(
      'is not a CDK outputs file: expected {"<stack>": {"<output>": "<value>"}}, as `cdk deploy --outputs-file` writes it',
    );
  const stacks = parsed.data;
  const names = Object.keys(stacks);
  const rewind = names.filter((name) => stacks[name]?.[BUCKET_OUTPUT] !== undefined);
  const chosen = chooseStack({ file, names, rewind, source, ...(stack === undefined ? {} : { stack }) }, bad);
  return { file, stack: chosen, outputs: outputsOf(stacks[chosen] ?? {}, `stack ${chosen} in ${file}`) };
}

interface StackChoice {
  file: string;
  /** Every stack of the file. */
  names: string[];
  /** Those with the Rewind outputs. */
  rewind: string[];
  source: GivenSetting;
  stack?: GivenSetting;
}

function chooseStack(
  { file, names, rewind, source, stack }: StackChoice,
  bad: (problem: string) => Error,
): string {
  if (stack !== undefined) {
    const name = stack.value;
    if (!names.includes(name))
      throw new ConfigError(stack.from, `${name} is not a stack of ${file} (its stacks: ${listed(names)})`);
    if (!rewind.includes(name))
      throw new ConfigError(
        stack.from,
        `${name}: that stack of ${file} has no ${BUCKET_OUTPUT} output, so it is not a Cognito Rewind deployment (those that are: ${listed(rewind)})`,
      );
    return name;
  }
  if (names.length === 0) throw bad('holds no stack: deploy with `cdk deploy --outputs-file <file>`');
  const [only, ...more] = rewind;
  if (only === undefined)
    throw bad(
      `has no stack with the output ${BUCKET_OUTPUT} (its stacks: ${listed(names)}): is it the outputs file of a Cognito Rewind deployment?`,
    );
  if (more.length > 0)
    throw bad(
      `holds several Cognito Rewind deployments (stacks ${listed(rewind)}): choose one with ${nameLike(source, 'stack')} <name>`,
    );
  return only;
}

/** The Rewind outputs of one stack: strings, the blank ones left out. */
function outputsOf(outputs: Record<string, unknown>, where: string): Deployment['outputs'] {
  const given: { [K in DeploymentSetting]?: GivenSetting } = {};
  for (const [name, key] of Object.entries(DEPLOYMENT_OUTPUTS) as [DeploymentOutput, string][]) {
    const value = outputs[key];
    if (value === undefined) continue;
    if (typeof value !== 'string')
      throw new InvalidInputError(`output ${key} of ${where} is not a string: ${JSON.stringify(value)}`);
    if (value.trim() !== '')
      given[OUTPUT_SETTING[name]] = { value: value.trim(), from: `${key} of ${where}` };
  }
  return given;
}

/** Where the store is: with a deployment, its outputs, under the flags only. */
const LOCATION = ['bucket', 'table', 'prefix', 'kmsKeyId', 'region'] as const;

/** What a deployment must give unless something else does: the names, the region, the role. */
const REQUIRED = ['bucket', 'table', 'region', 'roleArn'] as const;

/** The output that gives each setting. */
const OUTPUT_OF = Object.fromEntries(
  (Object.keys(OUTPUT_SETTING) as DeploymentOutput[]).map((name) => [
    OUTPUT_SETTING[name],
    DEPLOYMENT_OUTPUTS[name],
  ]),
) as Record<DeploymentSetting, string>;

/**
 * The settings with a deployment's outputs laid in. The deployment is the whole location of the
 * store (bucket, table, prefix, KMS key, region): flags override its outputs, variables for those are
 * not read, so a `REWIND_PREFIX` left in a shell cannot point it elsewhere. Its restore role is the
 * default when neither `--role-arn` nor `REWIND_ROLE_ARN` names one. The endpoints and the clock
 * tolerance come from the flags and variables as ever. The result no longer names the file.
 */
export function withDeployment(given: GivenSettings, deployment: Deployment | undefined): GivenSettings {
  if (deployment === undefined) return withoutDeployment(given);
  const { deployment: named, stack: _chosen, ...rest } = given;
  if (given.store !== undefined)
    throw new InvalidInputError(
      `give either ${nameLike(given.store, 'store')} <dir> or ${named === undefined ? '--deployment' : nameLike(named, 'deployment')} <file>, not both`,
    );
  const merged: { [K in SettingName]?: GivenSetting } = { ...rest };
  for (const name of LOCATION) {
    const own = given[name];
    const value = own !== undefined && isFlag(own.from) ? own : deployment.outputs[name];
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  const roleArn = merged.roleArn ?? deployment.outputs.roleArn;
  if (roleArn !== undefined) merged.roleArn = roleArn;
  const missing = REQUIRED.filter((name) => merged[name] === undefined);
  if (missing.length > 0)
    throw new InvalidInputError(
      `stack ${deployment.stack} in ${deployment.file} has no ${missing.map((name) => OUTPUT_OF[name]).join(', ')} output: is the file from a complete deployment? (\`cdk deploy --outputs-file <file>\` writes it)`,
    );
  return merged;
}

/** The settings when no deployment is named: a stack alone means nothing. */
function withoutDeployment({ deployment: named, stack, ...rest }: GivenSettings): GivenSettings {
  if (named !== undefined)
    throw new Error(`${named.from} ${named.value} must be read and parsed (parseDeployment) first`);
  if (stack !== undefined)
    throw new InvalidInputError(
      `${stack.from} chooses a stack of a deployment's outputs file: give ${nameLike(stack, 'deployment')} <file> too`,
    );
  return rest;
}
