import { describe, expect, it } from 'vitest';
import { runEvery } from '../src/local/stack/runEvery.js';

/** How the local stack stops: every step, whatever failed before it, then what failed. */

describe('runEvery', () => {
  it('runs every step in order though some fail, then throws the one error as it is', async () => {
    const ran: string[] = [];
    const broken = new Error('tap: close failed');
    await expect(
      runEvery('stopping', [
        () => ran.push('tap'),
        async () => {
          ran.push('queue');
          throw broken;
        },
        async () => ran.push('servers'),
        () => ran.push('stack file'),
      ]),
    ).rejects.toBe(broken);
    expect(ran).toEqual(['tap', 'queue', 'servers', 'stack file']);
  });

  it('throws every failure together, each named, when more than one step fails', async () => {
    const ran: string[] = [];
    const failure = runEvery('stopping the local stack', [
      () => {
        throw new Error('s3rver would not stop');
      },
      () => ran.push('cognito-local'),
      () => Promise.reject(new Error('EACCES: stack.json')),
    ]);
    await expect(failure).rejects.toThrow(AggregateError);
    await expect(failure).rejects.toThrow(
      'stopping the local stack: 2 steps failed (s3rver would not stop; EACCES: stack.json)',
    );
    expect(ran).toEqual(['cognito-local']);
  });

  it('resolves when every step does', async () => {
    await expect(runEvery('stopping', [() => undefined, async () => 'done'])).resolves.toBeUndefined();
  });
});
