import type { ChangeLog } from '../ports.js';

/**
 * `CaptureDeps.poolOfClient` from the change log: the watched pool whose recorded clients include
 * this one (one strongly consistent head read per pool, remembered: a client never changes pools).
 */
export function poolOfClientFromLog(
  changeLog: ChangeLog,
  pools: () => Promise<readonly string[]>,
): (clientId: string) => Promise<string | undefined> {
  const known = new Map<string, string>();
  return async (clientId) => {
    const cached = known.get(clientId);
    if (cached !== undefined) return cached;
    for (const poolId of await pools()) {
      const head = await changeLog.head(poolId, `client:${clientId}`);
      if (head !== undefined && head.after !== null) {
        known.set(clientId, poolId);
        return poolId;
      }
    }
    return undefined;
  };
}
