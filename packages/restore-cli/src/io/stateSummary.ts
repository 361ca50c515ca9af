import type { JsonObject, PoolStateDocument } from '@cognito-rewind/core';
import Table from 'cli-table3';

const field = (doc: JsonObject, name: string): string => {
  const value = doc[name];
  return value === undefined || value === null ? '' : String(value);
};

/** A person-sized view of a pool state: users with status and groups, then groups. */
export function renderStateSummary(state: PoolStateDocument): string {
  const users = new Table({
    head: ['user', 'status', 'enabled', 'groups', 'custom:tenant', 'custom:plan'],
    style: { head: [], border: [] },
  });
  for (const [username, user] of Object.entries(state.users)) {
    const attributes = (user.attributes ?? {}) as JsonObject;
    users.push([
      username,
      field(user, 'status'),
      field(user, 'enabled'),
      ((user.groups ?? []) as string[]).join(', '),
      field(attributes, 'custom:tenant'),
      field(attributes, 'custom:plan'),
    ]);
  }
  const groups = Object.entries(state.groups)
    .map(([name, group]) => `${name} (precedence ${field(group, 'Precedence')})`)
    .join(', ');
  const clients = Object.values(state.clients)
    .map(
      (client) =>
        `${field(client, 'ClientName')}${client.HasClientSecret ? ' (has secret, not stored)' : ''}`,
    )
    .join(', ');
  return [
    users.toString(),
    `groups:  ${groups || 'none'}`,
    `clients: ${clients || 'none'}`,
    ...(state.notCaptured.length > 0
      ? [`not captured by this endpoint: ${state.notCaptured.join(', ')}`]
      : []),
  ].join('\n');
}
