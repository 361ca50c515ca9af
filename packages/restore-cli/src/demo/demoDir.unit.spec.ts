import { join, resolve } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import { describe, expect, it } from 'vitest';
import { demoDir } from './demoDir.js';

const cwd = resolve('/work/project');
const ctx = (env: NodeJS.ProcessEnv = {}) => ({ cwd, env });

describe("the demo's directory", () => {
  it("is .rewind/demo by default: apart from start's .rewind/local and .rewind/store", () => {
    expect(demoDir(undefined, ctx())).toBe(join(cwd, '.rewind', 'demo'));
    expect(demoDir('elsewhere', ctx())).toBe(join(cwd, 'elsewhere'));
  });

  it.each([['.rewind'], ['.rewind/'], ['.rewind/store'], ['.rewind/local/x']])(
    "is never start's (--dir %s): a clear error",
    (dir) => {
      expect(() => demoDir(dir, ctx())).toThrow(InvalidInputError);
      expect(() => demoDir(dir, ctx())).toThrow(/where `pnpm start` keeps its pools and store/);
    },
  );

  it('follows start to the directory REWIND_LOCAL_DIR names', () => {
    const env = { REWIND_LOCAL_DIR: '/data/stack' };
    expect(() => demoDir('/data/stack', ctx(env))).toThrow(InvalidInputError);
    expect(demoDir('.rewind', ctx(env))).toBe(join(cwd, '.rewind'));
    expect(demoDir(undefined, ctx(env))).toBe(join(cwd, '.rewind', 'demo'));
  });
});
