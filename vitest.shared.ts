import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/`, import.meta.url));
const core = src('core');

/**
 * Tests run against the TypeScript sources of sibling packages, so `pnpm test:unit` needs no build
 * first, and a module loaded through a package name and through a relative path is one module (one
 * class per error, so `instanceof` holds). Core's own tests reach the testkit and the emulators only
 * through these aliases: declaring them would make a dependency cycle (both depend on core).
 */
export const workspaceAlias: { find: RegExp; replacement: string }[] = [
  { find: /^@cognito-rewind\/core$/, replacement: `${core}index.ts` },
  { find: /^@cognito-rewind\/core\/(.+)$/, replacement: `${core}$1/index.ts` },
  { find: /^@cognito-rewind\/handlers$/, replacement: `${src('handlers')}index.ts` },
  { find: /^@cognito-rewind\/emulators$/, replacement: `${src('emulators')}index.ts` },
  { find: /^@cognito-rewind\/testkit$/, replacement: `${src('testkit')}index.ts` },
  { find: /^@cognito-rewind\/testkit\/contracts$/, replacement: `${src('testkit')}contracts/index.ts` },
];
