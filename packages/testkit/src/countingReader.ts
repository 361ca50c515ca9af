import type { CognitoReader } from '@cognito-rewind/core';

/**
 * A reader that counts the calls made through it, by method, and otherwise passes them on: how tests
 * and benchmarks show which Cognito calls a job makes (a listing counts once, whatever pages it follows).
 */
export function countingReader(reader: CognitoReader): { reader: CognitoReader; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(reader, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { reader: counted, calls };
}
