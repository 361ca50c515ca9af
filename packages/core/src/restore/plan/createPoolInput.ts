import type { JsonObject } from '../../model/json.js';
import type { RawRecord } from '../../model/raw.js';
import { POOL_CREATION_ONLY, POOL_UPDATABLE } from './writableView.js';

interface SchemaAttribute {
  Name?: string;
  Required?: boolean;
}

/**
 * CreateUserPool's input for a new pool that can take a restore of `pool` (the pool's document at
 * T): the settings Cognito fixes at creation (custom attributes, required standard attributes,
 * username attributes, aliases, case sensitivity) plus its updatable settings. MFA starts OFF: the
 * restore's SetUserPoolMfaConfig puts it back together with the factors it needs.
 */
export function createPoolInput(pool: JsonObject, name: string): RawRecord {
  const schema = ((pool.SchemaAttributes ?? []) as SchemaAttribute[]).flatMap((attribute) => {
    const attributeName = attribute.Name ?? '';
    // CreateUserPool names custom attributes without their `custom:` prefix.
    if (attributeName.startsWith('custom:'))
      return [{ ...attribute, Name: attributeName.slice('custom:'.length) }];
    return attribute.Required === true && attributeName !== 'sub' ? [attribute] : [];
  });
  const input: RawRecord = { PoolName: name, Schema: schema, MfaConfiguration: 'OFF' };
  for (const field of [...POOL_UPDATABLE, ...POOL_CREATION_ONLY])
    if (pool[field] !== undefined) input[field] = pool[field];
  return input;
}
