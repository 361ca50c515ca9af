import type { CheckpointStore } from '@cognito-rewind/core';
import { CheckpointConflictError, InvalidInputError } from '@cognito-rewind/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface CheckpointStoreFixture {
  store: CheckpointStore;
  /** A second handle on the same storage (another process, another Lambda container). */
  other: () => CheckpointStore;
  cleanup(): Promise<void>;
}

/** What every CheckpointStore adapter guarantees: values round-trip, and every put is conditional. */
export function checkpointStoreContract(name: string, create: () => Promise<CheckpointStoreFixture>): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    let fixture: CheckpointStoreFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('answers undefined for a name never written, then round-trips values revision by revision', async () => {
      const { store } = fixture;
      expect(await store.get('reconcile/us-east-1_AbC123')).toBeUndefined();
      const value = { phase: 'users', token: 'a+b/c==', pages: 3, nested: { seen: ['ü', '😀'] }, none: null };
      expect(await store.put('reconcile/us-east-1_AbC123', value, undefined)).toBe(1);
      expect(await store.get('reconcile/us-east-1_AbC123')).toEqual({ revision: 1, value });
      expect(await store.put('reconcile/us-east-1_AbC123', { phase: 'done' }, 1)).toBe(2);
      expect(await fixture.other().get('reconcile/us-east-1_AbC123')).toEqual({
        revision: 2,
        value: { phase: 'done' },
      });
      // Names are independent.
      expect(await store.get('archive/us-east-1_AbC123')).toBeUndefined();
    });

    it('refuses a put naming a revision that is not the current one, and keeps the stored value', async () => {
      const { store } = fixture;
      await store.put('job/a', { n: 1 }, undefined);
      await expect(store.put('job/a', { n: 2 }, undefined)).rejects.toBeInstanceOf(CheckpointConflictError);
      await expect(store.put('job/a', { n: 2 }, 2)).rejects.toBeInstanceOf(CheckpointConflictError);
      await expect(store.put('job/b', { n: 2 }, 1)).rejects.toBeInstanceOf(CheckpointConflictError);
      expect(await store.get('job/a')).toEqual({ revision: 1, value: { n: 1 } });
      expect(await store.get('job/b')).toBeUndefined();
    });

    it('lets exactly one of several writers racing from one revision win', async () => {
      await fixture.store.put('race', { winner: 'none' }, undefined);
      const writers = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? fixture.store : fixture.other()));
      const outcomes = await Promise.allSettled(
        writers.map((writer, i) => writer.put('race', { winner: i }, 1)),
      );
      const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(CheckpointConflictError);
      expect(await fixture.store.get('race')).toEqual({ revision: 2, value: { winner: won[0] } });
    });

    it('deletes a checkpoint: gone for every handle, a missing one is no error, and the name starts over', async () => {
      await fixture.store.put('scratch/1', { n: 1 }, undefined);
      await fixture.store.put('scratch/1', { n: 2 }, 1);
      await fixture.other().delete('scratch/1');
      expect(await fixture.store.get('scratch/1')).toBeUndefined();
      await fixture.store.delete('scratch/1');
      await fixture.store.delete('never/written');
      expect(await fixture.store.put('scratch/1', { n: 3 }, undefined)).toBe(1);
      await expect(fixture.store.delete('../escape')).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('does not share a value with the caller: editing it after the put changes nothing stored', async () => {
      const value = { list: [1, 2] };
      await fixture.store.put('copy', value, undefined);
      value.list.push(3);
      expect((await fixture.store.get('copy'))?.value).toEqual({ list: [1, 2] });
    });

    it('refuses bad names and revisions with InvalidInputError, storing nothing', async () => {
      for (const bad of ['', '../escape', 'a//b', 'a/./b', 'spaces here', 'a#b', 'x'.repeat(600)]) {
        await expect(fixture.store.get(bad)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(fixture.store.put(bad, {}, undefined)).rejects.toBeInstanceOf(InvalidInputError);
      }
      await expect(fixture.store.put('ok', {}, 0)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(fixture.store.put('ok', {}, 1.5)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(fixture.store.put('ok', [] as never, undefined)).rejects.toBeInstanceOf(InvalidInputError);
      expect(await fixture.store.get('ok')).toBeUndefined();
    });
  });
}
