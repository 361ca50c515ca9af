import { fileURLToPath } from 'node:url';

const core = fileURLToPath(new URL('./packages/core/src/', import.meta.url));
const handlers = fileURLToPath(new URL('./packages/handlers/src/', import.meta.url));

/** Tests run against the TypeScript sources of sibling packages, so `pnpm test:unit` needs no build first. */
export const workspaceAlias: { find: RegExp; replacement: string }[] = [
  { find: /^@cognito-rewind\/core$/, replacement: `${core}index.ts` },
  { find: /^@cognito-rewind\/core\/(.+)$/, replacement: `${core}$1/index.ts` },
  { find: /^@cognito-rewind\/handlers$/, replacement: `${handlers}index.ts` },
];
