import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '@cognito-rewind/core';
import { accessKeyIdOf } from './callerIdentity.js';
import { type CallFacts, cloudTrailEvent, emitsEvent } from './cloudTrailRecord.js';
import { isJsonObject, type JsonObject } from './requestParameters.js';
import { type Deliver, FaultyDelivery, type TapFaults } from './tapFaults.js';
import { sendToTarget, type TargetAnswer } from './targetCall.js';
import { SubFinder } from './userSub.js';

export type { TapEventInfo, TapFaults } from './tapFaults.js';

/**
 * The local CloudTrail tap: a loopback proxy in front of a Cognito emulator that turns each
 * state-changing call into the event EventBridge would deliver for its CloudTrail record. It lets the
 * capture path run locally, where there is no CloudTrail.
 */

export interface CloudTrailTapOptions {
  /** The emulator's endpoint (cognito-local). */
  readonly target: string;
  /** Region of events whose pool id does not name one (cognito-local's `local_…`). @default us-east-1 */
  readonly region?: string;
  /** @default 000000000000 */
  readonly account?: string;
  /**
   * Receives each event; the call is answered once it resolves (a durable queue resolves once the
   * event is on disk). A failure is logged to stderr and swallowed: the call was made all the same.
   */
  readonly onEvent: Deliver;
  readonly faults?: TapFaults;
  /** Loopback port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
}

export interface CloudTrailTap {
  readonly endpoint: string;
  /** Resolves once every event emitted so far has been delivered (or dropped); reordered ones still held stay held. */
  idle(): Promise<void>;
  /** Delivers the events `reorder` holds, then waits for them. */
  flush(): Promise<void>;
  /** Stops listening, flushes held events and waits for every delivery. */
  stop(): Promise<void>;
}

const OPERATION_PREFIX = 'AWSCognitoIdentityProviderService.';
/** Per connection, not per message (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

function forwardable(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer, encoding?: string): JsonObject | undefined {
  try {
    const text = (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function operationOf(req: IncomingMessage): string | undefined {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(OPERATION_PREFIX)
    ? target.slice(OPERATION_PREFIX.length)
    : undefined;
}

function answerClient(res: ServerResponse, answer: TargetAnswer): void {
  const headers = forwardable(answer.headers);
  // The body is re-sent whole, so its length is known even if the target streamed it in chunks.
  res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}

const sourceIpOf = (req: IncomingMessage): string =>
  (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** A port someone else holds is the one failure a person can fix: say which port, and how. */
function listenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new InvalidInputError(
      `port ${port} on 127.0.0.1 is already in use (another local stack?): stop it, or give another --port (0 picks a free one)`,
    );
  if (error.code === 'EACCES')
    return new InvalidInputError(`port ${port} on 127.0.0.1 needs privileges: give a port above 1023`);
  return error;
}

export async function startCloudTrailTap(options: CloudTrailTapOptions): Promise<CloudTrailTap> {
  const target = new URL(options.target);
  const subs = new SubFinder(target);
  const delivery = new FaultyDelivery(options.onEvent, options.faults);
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = operationOf(req);
    const tapped = operation !== undefined && emitsEvent(operation);
    const request = tapped ? (parseJson(body) ?? {}) : {};
    // Before forwarding: a deletion leaves no user to ask about afterwards.
    const subBefore = tapped ? await subs.beforeCall(request) : undefined;
    // CloudTrail's eventTime is when the request reached Cognito, before Cognito dated anything it
    // wrote: capture tells a call's own Cognito dates from a later call's by it. Taken as the request
    // goes on (not when the tap got it): the tap's own look-ups are no part of Cognito's time.
    const reachedCognitoAt = new Date();
    const answer = await sendToTarget(target, {
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: forwardable(req.headers),
      body,
    });
    if (!tapped) {
      answerClient(res, answer);
      return;
    }
    const facts: CallFacts = {
      operation,
      request,
      status: answer.status,
      answer: parseJson(answer.body, header(answer.headers['content-encoding'])),
      subBefore,
      sourceIp: sourceIpOf(req),
      userAgent: header(req.headers['user-agent']),
      requestId: header(answer.headers['x-amzn-requestid']),
      accessKeyId: accessKeyIdOf(header(req.headers.authorization)),
      region,
      account,
      now: reachedCognitoAt,
    };
    // The event is taken (on a durable queue, kept on disk) before the client hears back: a call a
    // client saw answered is never lost with its event, as CloudTrail has recorded a call once it returns.
    await delivery.emit(operation, cloudTrailEvent(facts));
    answerClient(res, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`cloudTrailTap: ${String(error)}\n`);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({ __type: 'CloudTrailTapError', message: `target unreachable: ${String(error)}` }),
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.port ?? 0)));
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    idle: () => delivery.idle(),
    flush: async () => {
      delivery.flush();
      await delivery.idle();
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      delivery.flush();
      await delivery.idle();
    },
  };
}
