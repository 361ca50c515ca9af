import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for STS on loopback, since STS cannot be emulated here: it answers AssumeRole (and only
 * that) the way STS does — a form-encoded Query request in, the XML of AWS's API reference out — and
 * records each call. A role whose name contains `denied` gets STS's AccessDenied.
 */

export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly sessionName: string;
  /** The request's Authorization header: whose keys signed it, for which region. */
  readonly authorization: string;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface StsStandIn {
  readonly endpoint: string;
  readonly calls: AssumeRoleCall[];
  readonly issued: IssuedCredentials;
  stop(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function assumed(call: AssumeRoleCall, issued: IssuedCredentials, expiration: Date): string {
  const [, , , , account, resource = ''] = call.roleArn.split(':');
  const role = resource.split('/').at(-1) ?? '';
  return `<AssumeRoleResponse xmlns="${NS}">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/${xmlText(role)}/${xmlText(call.sessionName)}</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:${xmlText(call.sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;
}

const error = (code: string, message: string) => `<ErrorResponse xmlns="${NS}">
  <Error>
    <Type>Sender</Type>
    <Code>${code}</Code>
    <Message>${xmlText(message)}</Message>
  </Error>
  <RequestId>4c1f4b2e-8d4c-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>`;

export async function startStsStandIn(issued: IssuedCredentials): Promise<StsStandIn> {
  const calls: AssumeRoleCall[] = [];
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await body(request));
    const reply = (status: number, xml: string) =>
      response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'stand-in' }).end(xml);
    if (request.method !== 'POST' || form.get('Action') !== 'AssumeRole')
      return reply(
        400,
        error('InvalidAction', `only AssumeRole is answered here, not ${form.get('Action')}`),
      );
    const call = {
      roleArn: form.get('RoleArn') ?? '',
      sessionName: form.get('RoleSessionName') ?? '',
      authorization: request.headers.authorization ?? '',
    };
    calls.push(call);
    if (call.roleArn.includes('denied'))
      return reply(
        403,
        error(
          'AccessDenied',
          `User: arn:aws:iam::123456789012:user/operator is not authorized to perform: sts:AssumeRole on resource: ${call.roleArn}`,
        ),
      );
    return reply(200, assumed(call, issued, new Date(Date.now() + 3600_000)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    issued,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
