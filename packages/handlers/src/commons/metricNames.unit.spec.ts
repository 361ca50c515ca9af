import { describe, expect, it } from 'vitest';
import { HANDLER_METRICS, METRIC_DIMENSIONS } from './metricNames.js';

const all = Object.entries(HANDLER_METRICS).flatMap(([handler, metrics]) =>
  Object.entries(metrics).map(([key, metric]) => ({ handler, key, ...metric })),
);

describe('the metric table', () => {
  it('keys each metric by its name, but the per-pool drift, which shares the aggregate name', () => {
    expect(all.filter(({ key, name }) => key !== name).map(({ key, name }) => [key, name])).toEqual([
      ['PoolDriftRecords', 'DriftRecords'],
    ]);
  });

  it('publishes the per-pool metrics under the service and PoolId, and the rest under the service only', () => {
    const perPool = all.filter(({ dimensions }) => dimensions.includes(METRIC_DIMENSIONS.poolId));
    expect(perPool.map(({ handler, name, unit }) => `${handler} ${name} ${unit}`)).toEqual([
      'snapshot SnapshotAgeSeconds Seconds',
      'snapshot LastChangeAgeSeconds Seconds',
      'reconcile DriftRecords Count',
    ]);
    for (const { dimensions } of perPool) expect(dimensions).toEqual(['service', 'PoolId']);
    for (const { dimensions } of all.filter((metric) => !perPool.includes(metric)))
      expect(dimensions).toEqual(['service']);
  });
});
