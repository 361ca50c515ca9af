import { createServer, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy on loopback in front of one AWS-compatible server (cognito-local, dynalite, s3rver,
 * the Cognito fake) that records each request as the IAM action AWS would authorize it by. A test
 * points a real SDK client at `endpoint` and then compares what was sent with a declared policy.
 *
 * Requests pass through unchanged, the Host header included: S3's signature covers it.
 */
export type ProxiedService = 'cognito-idp' | 'dynamodb' | 's3' | 'events';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The IAM actions the request needs (one, or two for an S3 read of a missing key). */
  readonly actions: readonly string[];
  readonly status?: number;
}

export interface RecordingProxy {
  readonly endpoint: string;
  /** Every request since the start or the last `clear()`, in the order the answers came. */
  readonly requests: readonly RecordedRequest[];
  /** The distinct IAM actions of `requests`, sorted. */
  actions(): string[];
  clear(): void;
  stop(): Promise<void>;
}

const TARGET_PREFIXES: Record<Exclude<ProxiedService, 's3'>, string> = {
  'cognito-idp': 'AWSCognitoIdentityProviderService.',
  dynamodb: 'DynamoDB_20120810.',
  events: 'AWSEvents.',
};

/** The action of a JSON-protocol call (`X-Amz-Target: DynamoDB_20120810.PutItem` → `dynamodb:PutItem`). */
function targetAction(service: Exclude<ProxiedService, 's3'>, headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  const prefix = TARGET_PREFIXES[service];
  if (typeof target !== 'string' || !target.startsWith(prefix))
    return `unrecognized:${service} target ${String(target)}`;
  return `${service}:${target.slice(prefix.length)}`;
}

/** Bucket subresources (`?encryption`) and the action each method on them needs. */
const BUCKET_SUBRESOURCES: Record<string, Record<string, string>> = {
  encryption: { GET: 's3:GetEncryptionConfiguration', PUT: 's3:PutEncryptionConfiguration' },
  publicAccessBlock: { GET: 's3:GetBucketPublicAccessBlock', PUT: 's3:PutBucketPublicAccessBlock' },
  versioning: { GET: 's3:GetBucketVersioning', PUT: 's3:PutBucketVersioning' },
  lifecycle: { GET: 's3:GetLifecycleConfiguration', PUT: 's3:PutLifecycleConfiguration' },
  policy: { GET: 's3:GetBucketPolicy', PUT: 's3:PutBucketPolicy' },
  location: { GET: 's3:GetBucketLocation' },
  uploads: { GET: 's3:ListBucketMultipartUploads' },
  versions: { GET: 's3:ListBucketVersions' },
  delete: { POST: 's3:DeleteObject' },
};

function bucketAction(method: string, query: URLSearchParams): string {
  for (const [name, byMethod] of Object.entries(BUCKET_SUBRESOURCES))
    if (query.has(name)) return byMethod[method] ?? `unrecognized:s3 ${method} bucket ?${name}`;
  // ListObjects (v1 and v2, `list-type=2`) and HeadBucket are both authorized as ListBucket.
  if (method === 'GET' || method === 'HEAD') return 's3:ListBucket';
  if (method === 'PUT') return 's3:CreateBucket';
  if (method === 'DELETE') return 's3:DeleteBucket';
  return `unrecognized:s3 ${method} bucket`;
}

/** Object subresources (`?tagging`) and the action each method on them needs. */
const OBJECT_SUBRESOURCES: Record<string, Record<string, string>> = {
  tagging: { GET: 's3:GetObjectTagging', PUT: 's3:PutObjectTagging' },
  acl: { GET: 's3:GetObjectAcl', PUT: 's3:PutObjectAcl' },
  // ListParts (GET), UploadPart (PUT ?partNumber&uploadId), CompleteMultipartUpload (POST) and
  // AbortMultipartUpload (DELETE) of a multipart upload.
  uploadId: {
    GET: 's3:ListMultipartUploadParts',
    PUT: 's3:PutObject',
    POST: 's3:PutObject',
    DELETE: 's3:AbortMultipartUpload',
  },
  // CreateMultipartUpload.
  uploads: { POST: 's3:PutObject' },
  versionId: { GET: 's3:GetObjectVersion', HEAD: 's3:GetObjectVersion', DELETE: 's3:DeleteObjectVersion' },
};

/** HeadObject is authorized as GetObject. */
const OBJECT_METHODS: Record<string, string> = {
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  PUT: 's3:PutObject',
  DELETE: 's3:DeleteObject',
};

function objectAction(method: string, query: URLSearchParams, headers: IncomingHttpHeaders): string {
  for (const [name, byMethod] of Object.entries(OBJECT_SUBRESOURCES))
    if (query.has(name)) return byMethod[method] ?? `unrecognized:s3 ${method} object ?${name}`;
  // CopyObject needs GetObject on its source as well: no adapter copies, so it is flagged.
  if (headers['x-amz-copy-source'] !== undefined) return 'unrecognized:s3 CopyObject';
  return OBJECT_METHODS[method] ?? `unrecognized:s3 ${method} object`;
}

/**
 * The IAM action of a path-style S3 request (`/bucket`, `/bucket/key`), as AWS's "Actions, resources,
 * and condition keys for Amazon S3" maps operations to actions.
 */
export function s3Action(method: string, url: string, headers: IncomingHttpHeaders = {}): string {
  const parsed = new URL(url, 'http://proxy.invalid');
  const [, bucket = '', ...key] = parsed.pathname.split('/');
  if (bucket === '') return method === 'GET' ? 's3:ListAllMyBuckets' : `unrecognized:s3 ${method} /`;
  return key.join('/') === ''
    ? bucketAction(method, parsed.searchParams)
    : objectAction(method, parsed.searchParams, headers);
}

/** The IAM action a request to `service` needs. */
export function iamActionOf(
  service: ProxiedService,
  message: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
): string {
  const method = message.method ?? 'GET';
  if (service === 's3') return s3Action(method, message.url ?? '/', message.headers);
  return targetAction(service, message.headers);
}

/**
 * A read of a key answered 404 needs s3:ListBucket too: without it S3 answers 403 instead, and the
 * blob store could not tell a missing key (a HEAD before a create-only put) from a failure.
 */
function impliedActions(action: string, status: number | undefined): string[] {
  return action === 's3:GetObject' && status === 404 ? [action, 's3:ListBucket'] : [action];
}

/** Starts the proxy on 127.0.0.1 and a free port, forwarding to `target` (an `http://` endpoint). */
export async function startRecordingProxy(service: ProxiedService, target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  let requests: RecordedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const action = iamActionOf(service, incoming);
    const forward = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: incoming.headers,
      },
      (answer) => {
        const status = answer.statusCode;
        requests.push({ method, path, actions: impliedActions(action, status), status });
        outgoing.writeHead(status ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', (error) => {
      requests.push({ method, path, actions: [action] });
      outgoing.destroy(error);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    actions: () => [...new Set(requests.flatMap((r) => r.actions))].sort(),
    clear: () => {
      requests = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
