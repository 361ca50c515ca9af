import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { LocalServiceStartError } from '@cognito-rewind/core';

/** The part of dynalite's options used here (the package ships no types). */
interface DynaliteOptions {
  path: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

export interface PersistentDynalite {
  readonly endpoint: string;
  /** Closes the server and its LevelDB; the data stays in the directory for the next start. */
  stop(): Promise<void>;
}

/**
 * dynalite in this process on a free loopback port, keeping its tables in a LevelDB directory (core's
 * test launcher keeps them in memory), so the local stack's AWS store survives a restart.
 */
export async function startPersistentDynalite(path: string): Promise<PersistentDynalite> {
  await mkdir(path, { recursive: true });
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
