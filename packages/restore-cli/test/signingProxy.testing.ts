import { once } from 'node:events';
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of a local server (s3rver, dynalite, cognito-local) that records who
 * signed each request: the access key in its Authorization header and its session token. Headers are
 * passed on untouched (Host included), so s3rver still checks the signature the client made.
 * (The testkit's `startRecordingProxy` names each request's IAM action; this one, its signer.)
 */

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target` of a JSON-protocol call (DynamoDB, Cognito): the operation. */
  readonly target?: string;
  /** `Credential=<access key>/<date>/<region>/<service>/aws4_request`, from the Authorization header. */
  readonly credential: string;
  readonly securityToken?: string;
  readonly status?: number;
}

export interface SigningProxy {
  readonly endpoint: string;
  readonly requests: SignedRequest[];
  stop(): Promise<void>;
}

export async function startSigningProxy(target: string): Promise<SigningProxy> {
  const upstream = new URL(target);
  const requests: SignedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const authorization = incoming.headers.authorization ?? '';
    const token = incoming.headers['x-amz-security-token'];
    const target = incoming.headers['x-amz-target'];
    const recorded: { -readonly [K in keyof SignedRequest]: SignedRequest[K] } = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      credential: /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? '',
      ...(typeof token === 'string' ? { securityToken: token } : {}),
      ...(typeof target === 'string' ? { target } : {}),
    };
    requests.push(recorded);
    const passed = forward(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        recorded.status = answer.statusCode;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    passed.on('error', () => outgoing.destroy());
    incoming.pipe(passed);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
