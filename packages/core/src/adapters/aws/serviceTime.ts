import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ServiceClock } from '../../clock/serviceClock.js';

type Stack = DynamoDBClient['middlewareStack'];
type Middleware = Parameters<Stack['add']>[0];

const headerOf = (response: unknown, name: string): string | undefined => {
  const headers = (response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
  if (headers === undefined) return undefined;
  return headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
};

/**
 * Feeds the `Date` header of every answer the client gets into `clock`. It sits just above the HTTP
 * handler, below the SDK's retries and deserializer: each attempt is timed on its own, and error
 * answers (a failed condition, a missing key) tell the time as well as successes do.
 */
export function observeServiceTime(
  client: DynamoDBClient | S3Client,
  clock: ServiceClock,
  service: string,
): void {
  const middleware: Middleware = (next) => async (args) => {
    const sentAt = clock.localTime();
    const result = await next(args);
    const receivedAt = clock.localTime();
    const date = headerOf(result.response, 'date');
    if (date !== undefined) clock.observe({ service, date, sentAt, receivedAt });
    return result;
  };
  // Both clients' stacks take the same middleware; their input and output unions differ only in type.
  (client.middlewareStack as unknown as Stack).add(middleware, {
    step: 'deserialize',
    priority: 'low',
    name: 'observeServiceTime',
    override: true,
  });
}
