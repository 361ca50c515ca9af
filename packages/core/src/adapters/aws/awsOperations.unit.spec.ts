import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COGNITO_READ_ACTIONS,
  COGNITO_UNSCOPED_ACTIONS,
  COGNITO_WRITE_ACTIONS,
  KMS_ACTIONS,
  RESTORE_PERMISSIONS,
} from './awsOperations.js';

/**
 * The Cognito lists against the adapters' code: every command a file of this folder constructs, as
 * the IAM action of the same name (Cognito's actions are named after their operations). A command
 * added to the reader or writer without its action here fails this spec, not a deployed role.
 */
const HERE = new URL('./', import.meta.url);
const READER_FILES = ['awsCognitoReader.ts', 'entityReads.ts', 'optionalReads.ts', 'cognitoCalls.ts'];
const WRITER_FILES = ['awsCognitoWriter.ts', 'poolWrites.ts', 'resourceWrites.ts', 'userWrites.ts'];

function cognitoActionsIn(file: string): Set<string> {
  const text = readFileSync(new URL(file, HERE), 'utf8');
  if (!text.includes('@aws-sdk/client-cognito-identity-provider')) return new Set();
  return new Set([...text.matchAll(/new (\w+)Command\(/g)].map((match) => `cognito-idp:${match[1]}`));
}

const union = (files: readonly string[]) => new Set(files.flatMap((file) => [...cognitoActionsIn(file)]));
const sorted = (values: Iterable<string>) => [...values].sort();

describe('the Cognito actions', () => {
  it('COGNITO_READ_ACTIONS are exactly the commands the reader sends', () => {
    expect(sorted(union(READER_FILES))).toEqual(sorted(COGNITO_READ_ACTIONS));
  });

  it('COGNITO_WRITE_ACTIONS are exactly the writer commands that are not reads', () => {
    const reads = new Set<string>(COGNITO_READ_ACTIONS);
    const sent = union(WRITER_FILES);
    expect(sorted([...sent].filter((action) => !reads.has(action)))).toEqual(sorted(COGNITO_WRITE_ACTIONS));
    // What else the writer sends is a read: telling whether the endpoint serves tagging.
    expect(sorted([...sent].filter((action) => reads.has(action)))).toEqual([
      'cognito-idp:ListTagsForResource',
    ]);
  });

  it('no other shipped file of the AWS adapters sends a Cognito command', () => {
    const others = readdirSync(HERE).filter(
      (file) =>
        file.endsWith('.ts') &&
        !/\.(spec|testing)\.ts$/.test(file) &&
        ![...READER_FILES, ...WRITER_FILES].includes(file),
    );
    expect(others.filter((file) => cognitoActionsIn(file).size > 0)).toEqual([]);
  });

  it('names the actions IAM scopes to no pool, all of them sent by the reader or the writer', () => {
    const sent = new Set<string>([...COGNITO_READ_ACTIONS, ...COGNITO_WRITE_ACTIONS]);
    for (const action of COGNITO_UNSCOPED_ACTIONS) expect(sent.has(action), action).toBe(true);
  });
});

describe('RESTORE_PERMISSIONS', () => {
  const lists = {
    cognito: RESTORE_PERMISSIONS.cognito,
    createPool: RESTORE_PERMISSIONS.createPool,
    dynamodb: RESTORE_PERMISSIONS.dynamodb,
    s3: RESTORE_PERMISSIONS.s3,
    kms: RESTORE_PERMISSIONS.kms,
    kmsRead: KMS_ACTIONS.read,
  };

  it('every action is one named action of its service: no wildcard, no repeat', () => {
    const prefix = { cognito: 'cognito-idp', createPool: 'cognito-idp', dynamodb: 'dynamodb', s3: 's3' };
    for (const [service, actions] of Object.entries(lists)) {
      const expected = prefix[service as keyof typeof prefix] ?? 'kms';
      for (const action of actions) expect(action, service).toMatch(new RegExp(`^${expected}:[A-Za-z]+$`));
      expect(new Set(actions).size, service).toBe(actions.length);
    }
  });

  it('the operator role may send every reader and writer call but CreateUserPool, which is apart', () => {
    expect(sorted(RESTORE_PERMISSIONS.cognito)).toEqual(
      sorted(
        [...COGNITO_READ_ACTIONS, ...COGNITO_WRITE_ACTIONS].filter((a) => a !== 'cognito-idp:CreateUserPool'),
      ),
    );
    expect(RESTORE_PERMISSIONS.createPool).toEqual(['cognito-idp:CreateUserPool']);
  });
});
