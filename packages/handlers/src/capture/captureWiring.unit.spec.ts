import { MemoryChangeLog, MemoryCheckpointStore } from '@cognito-rewind/core/adapters/memory';
import { expect, it } from 'vitest';
import { HandlerConfigError } from '../errors.js';
import { captureWiring } from './captureWiring.js';

it('finds no pool for a public call when the capture function has no pool list, instead of failing', async () => {
  let asked = 0;
  const wiring = captureWiring({
    changeLog: new MemoryChangeLog(),
    checkpoints: new MemoryCheckpointStore(),
    clock: { now: () => new Date('2024-06-01T10:00:00Z') },
    pools: async () => {
      asked += 1;
      throw new HandlerConfigError('REWIND_POOL_IDS', 'is not set');
    },
  });
  expect(await wiring.poolOfClient?.('5exampleclient6id7abcdefgh')).toBeUndefined();
  expect(asked).toBe(1);
});
