import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_NAMES, type FunctionName } from '../src/bundles.js';
import type { Synthesized } from './synth.testing.js';

/** One function as the cloud assembly deploys it: its template properties and its staged code. */
export interface FunctionAsset {
  readonly name: FunctionName;
  readonly logicalId: string;
  /** The staged folder `asset.<hash>/` that `cdk deploy` zips and uploads. */
  readonly dir: string;
  /** The function's `Properties` in the template, as written (intrinsics unresolved). */
  readonly properties: Record<string, unknown>;
}

interface AssetManifest {
  files: Record<
    string,
    { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }
  >;
}

/**
 * Each function of the app stack, found by its construct (not by a guess at its logical id), with the
 * staged folder its `Code.S3Key` names in the stack's asset manifest (`<artifactId>.assets.json`).
 */
export function functionAssets(
  outdir: string,
  synthesized: Synthesized,
): Record<FunctionName, FunctionAsset> {
  const stack = synthesized.stacks.app;
  const manifest = JSON.parse(
    readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8'),
  ) as AssetManifest;
  const byObjectKey = new Map<string, { path: string; packaging?: string }>();
  for (const file of Object.values(manifest.files))
    for (const destination of Object.values(file.destinations))
      byObjectKey.set(destination.objectKey, file.source);
  const resources = synthesized.app.findResources('AWS::Lambda::Function');
  const entries = FUNCTION_NAMES.map((name): [FunctionName, FunctionAsset] => {
    const fn = stack.rewind.functions[name];
    const logicalId = Stack.of(fn).resolve(stack.getLogicalId(fn.node.defaultChild as CfnElement)) as string;
    const properties = resources[logicalId]?.Properties as Record<string, unknown> | undefined;
    if (properties === undefined) throw new Error(`no AWS::Lambda::Function ${logicalId} (${name})`);
    const key = (properties.Code as { S3Key?: unknown }).S3Key;
    const source = typeof key === 'string' ? byObjectKey.get(key) : undefined;
    if (source === undefined) throw new Error(`${name}: Code.S3Key ${JSON.stringify(key)} is no asset`);
    if (source.packaging !== 'zip') throw new Error(`${name}: its asset is packaged as ${source.packaging}`);
    return [name, { name, logicalId, dir: join(outdir, source.path), properties }];
  });
  return Object.fromEntries(entries) as Record<FunctionName, FunctionAsset>;
}

/** The values CloudFormation gives its pseudo parameters in the account and region a test deploys to. */
export type PseudoParameters = Readonly<Record<`AWS::${string}`, string>>;

/**
 * A template value as CloudFormation would resolve it: pseudo parameters and the string functions.
 * Anything else (a reference to a resource, an import) throws, naming it: a function's environment
 * that needs one is not something the test can stand in for, and should be known.
 */
export function resolveIntrinsics(value: unknown, pseudo: PseudoParameters): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, pseudo));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [fn, args] = entries[0] ?? [];
  if (entries.length !== 1 || fn === undefined || !(fn === 'Ref' || fn.startsWith('Fn::')))
    return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, pseudo)]));
  const resolved = fn === 'Ref' ? args : resolveIntrinsics(args, pseudo);
  switch (fn) {
    case 'Ref': {
      const known = pseudo[resolved as `AWS::${string}`];
      if (known === undefined) throw new Error(`cannot resolve { Ref: ${JSON.stringify(resolved)} }`);
      return known;
    }
    case 'Fn::Join': {
      const [separator, parts] = resolved as [string, string[]];
      return parts.join(separator);
    }
    case 'Fn::Split': {
      const [separator, text] = resolved as [string, string];
      return text.split(separator);
    }
    case 'Fn::Select': {
      const [index, list] = resolved as [string | number, unknown[]];
      return list[Number(index)];
    }
    default:
      throw new Error(`cannot resolve ${fn} ${JSON.stringify(args)}`);
  }
}

/** Every variable of a function's `Environment`, resolved; a value that is no string throws. */
export function resolvedEnvironment(asset: FunctionAsset, pseudo: PseudoParameters): Record<string, string> {
  const variables = (asset.properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  const resolved = resolveIntrinsics(variables ?? {}, pseudo) as Record<string, unknown>;
  for (const [name, value] of Object.entries(resolved))
    if (typeof value !== 'string')
      throw new Error(`${asset.name}: ${name} resolves to ${JSON.stringify(value)}`);
  return resolved as Record<string, string>;
}

/** The physical names a stack's resources of one type are given, resolved (`BucketName`, `TableName`). */
export function resourceNames(
  template: Template,
  type: string,
  property: string,
  pseudo: PseudoParameters,
): string[] {
  return Object.values(template.findResources(type)).flatMap((resource) => {
    const name = (resource.Properties as Record<string, unknown> | undefined)?.[property];
    return name === undefined ? [] : [String(resolveIntrinsics(name, pseudo))];
  });
}
