import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';

/** One complete HTTP exchange with the target, bodies held whole (Cognito bodies are small JSON). */
export interface TargetAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface TargetRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export function sendToTarget(target: URL, outgoing: TargetRequest): Promise<TargetAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: outgoing.method,
        path: outgoing.path,
        headers: { ...outgoing.headers, host: target.host, 'content-length': String(outgoing.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(outgoing.body);
  });
}

/**
 * A Cognito call the tap makes itself (to learn a user's sub). Unsigned: it only ever goes to a
 * loopback emulator, which does not check signatures. Resolves undefined on any failure: a missing
 * sub makes a less useful event, never a failed call.
 */
export async function callCognito(
  target: URL,
  operation: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const answer = await sendToTarget(target, {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: Buffer.from(JSON.stringify(input)),
    });
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
