import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectState, stateAt } from '@cognito-rewind/core';
import { createCognitoClient } from '@cognito-rewind/core/adapters/aws';
import { startCognitoLocal } from '@cognito-rewind/core/testing';
import { createDemoPool, mutateDemoPool } from '../demo/demoPool.js';
import { renderStateSummary } from '../io/stateSummary.js';
import { openStore } from '../store/openStore.js';
import { backupCommand } from './backup.js';
import type { CommandContext } from './context.js';
import { restoreCommand } from './restore.js';

export interface DemoOptions {
  dir: string;
}

const cognitoLocalBin = (): string =>
  join(createRequire(import.meta.url).resolve('cognito-local/package.json'), '..', 'lib', 'bin', 'start.js');

/**
 * The main job on the embedded local stack: cognito-local on a loopback port, a demo pool, a backup,
 * a bad afternoon of changes, a second backup, and the pool as it was at both times.
 */
export async function demoCommand(options: DemoOptions, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const dir = resolve(ctx.cwd, options.dir);
  const storeDir = join(dir, 'store');
  // Relative paths read better, but only when they stay inside where the commands will be run.
  const shown = (path: string) => {
    const rel = relative(ctx.cwd, path);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const local = await startCognitoLocal({ dataDir: join(dir, 'cognito-local'), binPath: cognitoLocalBin() });
  const cognito = createCognitoClient({ endpoint: local.endpoint, region: 'us-east-1' });
  try {
    io.out(
      `▶ cognito-local is listening on ${local.endpoint} (data in ${shown(join(dir, 'cognito-local'))})`,
    );
    const poolId = await createDemoPool(cognito);
    io.out(`▶ created demo pool ${poolId}: 5 users, 3 groups, 2 app clients, custom attributes\n`);

    const backup = { pool: poolId, store: storeDir, endpoint: local.endpoint, region: 'us-east-1' };
    const first = await backupCommand(backup, ctx);
    // Cognito stamps changes in whole seconds: let one pass so the two states are told apart.
    await sleep(1100);
    io.out('\n▶ a bad afternoon:');
    for (const change of await mutateDemoPool(cognito, poolId)) io.out(`  - ${change}`);
    io.out('');
    const second = await backupCommand(backup, ctx);

    const store = openStore({ kind: 'directory', dir: storeDir }, { mustExist: true, ...ctx });
    await mkdir(dir, { recursive: true });
    for (const at of [first.manifest.at, second.manifest.at]) {
      const state = await collectState(await stateAt(store, poolId, at));
      const file = join(dir, `state-${poolId}-${at.replace(/[:.]/g, '')}.json`);
      await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
      io.out(`\n▶ state of ${poolId} at ${at} (full JSON: ${shown(file)})`);
      io.out(renderStateSummary(state));
    }

    io.out(`\n▶ put it back as it was at ${first.manifest.at} (undo mode: frank, created after, is kept):`);
    const restore = await restoreCommand(
      {
        pool: poolId,
        store: storeDir,
        at: first.manifest.at,
        endpoint: local.endpoint,
        region: 'us-east-1',
        yes: true,
        report: join(dir, 'reports'),
      },
      ctx,
    );
    if (restore.exitCode !== 0) throw new Error('the demo restore did not finish; see the report above');
    await sleep(1100);
    io.out('');
    const third = await backupCommand(backup, ctx);
    const restored = await collectState(await stateAt(store, poolId, third.manifest.at));
    io.out(`\n▶ state of ${poolId} after the restore (${third.manifest.at})`);
    io.out(renderStateSummary(restored));

    const cli = 'pnpm restore-cli';
    const storeArg = shown(storeDir);
    io.out('\n▶ try next (cognito-local is stopped now; the store stays):');
    io.out(`  ${cli} snapshots --pool ${poolId} --store ${storeArg}`);
    io.out(`  ${cli} state --pool ${poolId} --store ${storeArg} --at ${first.manifest.at}`);
    io.out(
      `  ${cli} state --pool ${poolId} --store ${storeArg} --at now --out ${shown(join(dir, 'now.json'))}`,
    );
    io.out(`  ${cli} verify --pool ${poolId} --store ${storeArg}`);
  } finally {
    cognito.destroy();
    await local.stop();
  }
}
