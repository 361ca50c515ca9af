import { describe, expect, it } from 'vitest';
import { redactedError, redactText } from './redact.js';

describe('redaction of what handlers log', () => {
  it('drops the names of users and emails, and keeps the kinds of entity', () => {
    expect(redactText('entity user:alice@example.com already has a record at version 3')).toBe(
      'entity user:… already has a record at version 3',
    );
    expect(redactText('sent to bob@example.org, see group:ops')).toBe('sent to …@…, see group:ops');
    expect(redactText('change journal table T item R#us-east-1_X#user:ann V#0000000002 is damaged')).toBe(
      'change journal table T item R#us-east-1_X#user:… V#0000000002 is damaged',
    );
    expect(redactText('no entity at /users/ann/attributes')).toBe('no entity at /users/…');
    expect(redactText('not an entity key: "user:a,b"')).toBe('not an entity key: "user:…');
  });

  it('leaves pool ids, record ids and other entities alone', () => {
    const text = 'pool us-east-1_AbC123 record 01J0000000000000000000000 group:admins client:5abc';
    expect(redactText(text)).toBe(text);
  });

  it('redacts an error whole: message, stack, cause; its other fields are not logged', () => {
    const cause = new Error('user:carol is gone');
    const error = Object.assign(new Error('entity user:carol failed', { cause }), { entity: 'user:carol' });
    const logged = JSON.stringify(redactedError(error));
    expect(logged).not.toContain('carol');
    expect(redactedError(error)).toMatchObject({
      name: 'Error',
      message: 'entity user:… failed',
      stack: expect.stringContaining('entity user:… failed'),
      cause: { name: 'Error', message: 'user:… is gone' },
    });
    expect(redactedError('dave@example.com said no')).toEqual({ name: 'Error', message: '…@… said no' });
  });
});
