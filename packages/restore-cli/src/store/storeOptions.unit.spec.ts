import { InvalidInputError } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { chooseStore } from './storeOptions.js';

describe('chooseStore', () => {
  it('takes a directory, or a bucket with a table, or a bucket alone', () => {
    expect(chooseStore({ store: '.rewind/store' })).toEqual({ kind: 'directory', dir: '.rewind/store' });
    expect(chooseStore({ bucket: 'acme-backup', table: 'changes', prefix: 'prod' })).toEqual({
      kind: 'aws',
      bucket: 'acme-backup',
      table: 'changes',
      prefix: 'prod',
    });
    expect(chooseStore({ bucket: 'acme-backup' })).toEqual({ kind: 'aws', bucket: 'acme-backup' });
  });

  it('takes the clock tolerance of the AWS store in seconds, from the flag or the environment', () => {
    expect(chooseStore({ bucket: 'acme-backup', clockTolerance: '30' })).toMatchObject({
      clockToleranceMs: 30_000,
    });
    expect(chooseStore({ bucket: 'acme-backup' }, { REWIND_CLOCK_TOLERANCE_SECONDS: '0.5' })).toMatchObject({
      clockToleranceMs: 500,
    });
  });

  it('falls back to the environment for what the command line leaves out', () => {
    const env = {
      REWIND_BUCKET: 'env-bucket',
      REWIND_TABLE: 'env-table',
      REWIND_S3_ENDPOINT: 'http://127.0.0.1:4569',
      REWIND_STORE: '',
    };
    expect(chooseStore({}, env)).toEqual({
      kind: 'aws',
      bucket: 'env-bucket',
      table: 'env-table',
      s3Endpoint: 'http://127.0.0.1:4569',
    });
    // A store named on the command line is not mixed with another kind from the environment.
    expect(chooseStore({ store: 'dir' }, env)).toEqual({ kind: 'directory', dir: 'dir' });
    expect(chooseStore({ bucket: 'cli-bucket' }, env)).toMatchObject({ bucket: 'cli-bucket' });
    expect(chooseStore({}, { REWIND_STORE: '/var/backups' })).toEqual({
      kind: 'directory',
      dir: '/var/backups',
    });
  });

  it('refuses no store, both kinds, a table without a bucket, and names that cannot be', () => {
    const refused = [
      [{}, /no store: give --store <dir>, or --bucket <name> --table <name>/],
      [{ store: 'd', bucket: 'acme-backup' }, /either --store <dir> or --bucket\/--table, not both/],
      [{ table: 'changes' }, /--table needs --bucket/],
      [{ bucket: 'Not_A_Bucket' }, /--bucket Not_A_Bucket is not an S3 bucket name/],
      [{ bucket: 'acme-backup', table: 'a b' }, /--table a b is not a DynamoDB table name/],
      [
        { bucket: 'acme-backup', clockTolerance: '300' },
        /--clock-tolerance 300 is not a number of seconds above 0 and under 300/,
      ],
      [{ bucket: 'acme-backup', clockTolerance: '2m' }, /--clock-tolerance 2m is not a number of seconds/],
    ] as const;
    for (const [options, message] of refused) {
      expect(() => chooseStore(options)).toThrow(InvalidInputError);
      expect(() => chooseStore(options)).toThrow(message);
    }
  });
});
