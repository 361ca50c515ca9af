import { describe, expect, it } from 'vitest';
import { historySteps } from './restoreHistory.js';

const bob = { username: 'bob', enabled: true };
const bobDisabled = { username: 'bob', enabled: false };

describe('the history a restore writes for one entity', () => {
  it('records unseen damage as reconcile, then the repair as restore', () => {
    // The log last saw bob enabled; he was disabled unseen; the restore enabled him.
    expect(historySteps(bob, bobDisabled, bob)).toEqual([
      { doc: bobDisabled, source: 'reconcile' },
      { doc: bob, source: 'restore' },
    ]);
    // The log saw the damage: only the repair.
    expect(historySteps(bobDisabled, bobDisabled, bob)).toEqual([{ doc: bob, source: 'restore' }]);
    // The log has never heard of bob (base null), and the restore re-created him.
    expect(historySteps(null, null, bob)).toEqual([{ doc: bob, source: 'restore' }]);
  });

  it('writes nothing when capture already recorded the restore’s own call', () => {
    // bob was deleted (recorded), the restore re-created him, and capture recorded that creation
    // before the restore read him back: no false "deleted" record after the re-creation.
    expect(historySteps(bob, null, bob, { headIsNewer: true })).toEqual([]);
    // The same documents with a head older than the read: the deletion was never seen, so it is damage.
    expect(historySteps(bob, null, bob)).toEqual([
      { doc: null, source: 'reconcile' },
      { doc: bob, source: 'restore' },
    ]);
    // Capture saw part of it (the head is newer but not yet the result): only the restore's step.
    expect(historySteps(bobDisabled, null, bob, { headIsNewer: true })).toEqual([
      { doc: bob, source: 'restore' },
    ]);
  });
});
