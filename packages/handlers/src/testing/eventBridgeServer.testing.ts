import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the loopback EventBridge received. */
export interface EventBridgeRequest {
  target: string | undefined;
  headers: IncomingHttpHeaders;
  body: { Entries?: { Source?: string; DetailType?: string; Detail?: string }[] };
}

/**
 * A loopback stand-in for EventBridge's PutEvents (there is no EventBridge emulator): answers with
 * the service's JSON shape (an EventId per entry, FailedEntryCount 0), or refuses every entry when
 * `refuse` is set, and records every request for the test to count.
 */
export async function startEventBridgeServer() {
  const requests: EventBridgeRequest[] = [];
  const state = { refuse: false };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as EventBridgeRequest['body'];
      const target = req.headers['x-amz-target'] as string | undefined;
      requests.push({ target, headers: req.headers, body });
      const entries = (body.Entries ?? []).map(() =>
        state.refuse
          ? { ErrorCode: 'InternalException', ErrorMessage: 'refused by the test' }
          : { EventId: randomUUID() },
      );
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify({ Entries: entries, FailedEntryCount: state.refuse ? entries.length : 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    /** The PutEvents entries received, their Detail parsed. */
    events: () =>
      requests
        .filter((request) => request.target === 'AWSEvents.PutEvents')
        .flatMap((request) => request.body.Entries ?? [])
        .map((entry) => ({ ...entry, detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown> })),
    refuse: (value: boolean) => {
      state.refuse = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type EventBridgeServer = Awaited<ReturnType<typeof startEventBridgeServer>>;
