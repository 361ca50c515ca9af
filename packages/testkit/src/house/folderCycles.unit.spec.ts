import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeCycle, folderCycles, shippedModules } from './folderGraph.js';

const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));
const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${packagesDir}${entry.name}/src`))
  .map((entry) => entry.name)
  .sort();

// The rooms of a package lean one way: a folder that imports another is never imported back by it,
// directly or through others, at any depth. A cycle fails here naming its folders and the imports
// that make each edge (see folderGraph.ts for what counts as a part of a folder).
describe('folder cycles in shipped code', () => {
  it('finds every package', () => {
    expect(packages).toEqual(expect.arrayContaining(['core', 'handlers', 'restore-cli', 'testkit']));
  });

  it.each(packages)('packages/%s/src has none', async (pkg) => {
    const modules = await shippedModules(`${packagesDir}${pkg}/src`);
    expect(modules.length).toBeGreaterThan(0);
    const cycles = folderCycles(modules).map((cycle) => describeCycle(`packages/${pkg}`, cycle));
    expect(cycles).toEqual([]);
  });
});
