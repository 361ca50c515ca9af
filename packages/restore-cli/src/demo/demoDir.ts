import { isAbsolute, join, relative, resolve } from 'node:path';
import { InvalidInputError } from '@cognito-rewind/core';
import type { CommandContext } from '../io/commandContext.js';
import { DEFAULT_LOCAL_DIR, localDir } from '../local/stack/localTarget.js';
import { shownPath } from '../local/stack/stackBanner.js';

/**
 * Where `pnpm demo` keeps its stack: a folder of its own inside the git-ignored `.rewind`, so the
 * demo's pools, events and store never mix with those of `pnpm start` (`.rewind/local`,
 * `.rewind/store`): the demo would otherwise snapshot the user's own pools, and leave its demo
 * pools in the user's store.
 */
export const DEFAULT_DEMO_DIR = join(DEFAULT_LOCAL_DIR, 'demo');

/** The folders a local stack keeps its data in, under its directory. */
const DATA = ['local', 'store'];

const within = (parent: string, path: string) => {
  const rel = relative(parent, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The demo's directory (`--dir`, else `.rewind/demo`), refused when its data folders would share
 * anything with those of `pnpm start`'s directory (REWIND_LOCAL_DIR, else `.rewind`).
 */
export function demoDir(given: string | undefined, ctx: Pick<CommandContext, 'cwd' | 'env'>): string {
  const dir = resolve(ctx.cwd, given ?? DEFAULT_DEMO_DIR);
  const start = localDir(true, ctx);
  const overlaps = DATA.some((mine) =>
    DATA.some((theirs) => {
      const [a, b] = [join(dir, mine), join(start, theirs)];
      return within(a, b) || within(b, a);
    }),
  );
  if (overlaps)
    throw new InvalidInputError(
      `--dir ${shownPath(ctx.cwd, dir)}: that is where \`pnpm start\` keeps its pools and store (${shownPath(ctx.cwd, start)}); the demo keeps its own, ${DEFAULT_DEMO_DIR} by default`,
    );
  return dir;
}
