import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CognitoFake, FakeResponse } from './cognitoFake.js';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY = 10 * 1024 * 1024;

/** The JSON 1.1 protocol sends times as epoch seconds; AWS keeps the milliseconds as a fraction. */
function encode(body: unknown): string {
  return JSON.stringify(body, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) request.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parse(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function answer(fake: CognitoFake, request: IncomingMessage): Promise<FakeResponse> {
  const target = request.headers['x-amz-target'];
  const text = await readBody(request);
  if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    return {
      status: 400,
      body: { __type: 'UnknownOperationException', message: `Unknown target ${String(target)}` },
    };
  }
  const body = parse(text);
  if (body === undefined) {
    return {
      status: 400,
      body: { __type: 'SerializationException', message: 'The request body is not JSON' },
    };
  }
  return fake.invoke(target.slice(TARGET_PREFIX.length), body);
}

function send(response: ServerResponse, { status, body }: FakeResponse): void {
  const payload = encode(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
  };
  if (typeof body.__type === 'string') headers['x-amzn-errortype'] = body.__type;
  response.writeHead(status, headers).end(payload);
}

/** Serves the fake over HTTP on 127.0.0.1 and a free port. */
export async function serveFake(fake: CognitoFake): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((request, response) => {
    answer(fake, request).then(
      (result) => send(response, result),
      (error: unknown) =>
        send(response, {
          status: 500,
          body: {
            __type: 'InternalErrorException',
            message: error instanceof Error ? error.message : 'failed',
          },
        }),
    );
  });
  // Node closes a kept-alive connection after 5 s idle, and a client that sends on it just then gets
  // ECONNRESET (seen after seeding 100,000 users in process blocked the loop). AWS's endpoints keep
  // connections far longer; so does the fake.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, server };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // The SDK keeps connections alive; without this, close() would wait for them to time out.
    server.closeAllConnections();
  });
}
