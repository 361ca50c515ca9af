import { makeRecord, entityKey } from '@cognito-rewind/core';
import { userDoc, username } from '/work/main/packages/restore-cli/dist/bench/synthetic.js';
const t = performance.now();
const heads = new Map();
for (let n = 0; n < 50000; n++) {
  const i = n % 1000;
  const head = heads.get(i) ?? { version: 0, hash: null };
  const when = new Date(1717200000000 + n * 1000).toISOString();
  const r = makeRecord({ poolId: 'p', entity: entityKey('user', username(i)), head: { ...head, doc: userDoc(i, head.version) }, after: userDoc(i, head.version + 1), validFrom: when, observedAt: when, source: 'reconcile' });
  heads.set(i, { version: r.version, hash: r.hash });
  if (n === 0) console.log(JSON.stringify(r).length);
}
console.log((performance.now() - t) / 1000);
