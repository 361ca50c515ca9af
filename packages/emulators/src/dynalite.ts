import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { LocalServiceStartError } from '@cognito-rewind/core';

export interface Dynalite {
  /** `http://127.0.0.1:<port>`: loopback only. */
  readonly endpoint: string;
  /** Closes the server (open keep-alive connections included); its in-memory tables are gone. */
  stop(): Promise<void>;
}

/** The part of dynalite's options we use (the package ships no types). */
interface DynaliteOptions {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

type DynaliteFactory = (options: DynaliteOptions) => Server;

export interface DynaliteStartOptions {
  /**
   * Keep the tables in a LevelDB directory (created if missing), so they survive a restart: the
   * local stack's AWS store. @default in memory
   */
  path?: string;
}

/**
 * Starts dynalite (DynamoDB on LevelDB, in memory unless `path` is given) inside this process on a
 * free loopback port. Table state changes are immediate (`*TableMs: 0`), so `createChangeLogTable`
 * needs no waiting.
 */
export async function startDynalite({ path }: DynaliteStartOptions = {}): Promise<Dynalite> {
  if (path !== undefined) await mkdir(path, { recursive: true });
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  const server = dynalite({
    ...(path === undefined ? {} : { path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(new LocalServiceStartError('dynalite', error.message, { cause: error }));
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.removeListener('error', fail);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // SDK clients keep idle connections open; without this, close waits for them to time out.
      server.closeAllConnections();
    });
    return stopped;
  };
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}
