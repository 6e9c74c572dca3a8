/**
 * A stand-in for STS on 127.0.0.1: it answers GetCallerIdentity after checking the SigV4 signature
 * of what it receives (host, audience header, query) with the test principals' secrets, as STS
 * does, and can fail on demand (5xx, throttling, reset) and record what it was sent.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCredentials } from '../../graphql-resolver/src/sigv4';
import { CALLER_AUDIENCE_HEADER } from '../src/contract';
import { verifySigV4 } from './sigv4-verifier';

export const REGION = 'eu-west-1';

/** A principal the fake STS knows: its credentials and the ARN GetCallerIdentity returns. */
export interface Principal {
  readonly credentials: AwsCredentials;
  readonly account: string;
  readonly role: string;
}
export const principal = (n: number, account: string, role: string): Principal => ({
  credentials: { accessKeyId: `ASIATESTKEY${String(n).padStart(9, '0')}`, secretAccessKey: `secret-${n}`, sessionToken: `session-${n}` },
  account,
  role,
});
export const WEB = principal(1, '222222222222', 'web-resolver');
export const MOBILE = principal(2, '333333333333', 'mobile-resolver');
/** An arbitrary role of a listed consumer's account: it can sign a token, the API refuses it. */
export const OTHER_ROLE = principal(3, WEB.account, 'some-other-role');

export const CALLERS = [
  { consumer: 'web', account: WEB.account, role: WEB.role },
  { consumer: 'mobile', account: MOBILE.account, role: MOBILE.role },
];

export type StsMode = 'verify' | 'status503' | 'throttle' | 'reset';

export interface FakeSts {
  readonly port: number;
  mode: StsMode;
  delayMs: number;
  readonly calls: Array<{ host?: string; audience?: string; url: string }>;
  close(): Promise<void>;
}

export async function startFakeSts(principals: readonly Principal[]): Promise<FakeSts> {
  const byKey = new Map(principals.map((p) => [p.credentials.accessKeyId, p]));
  const sts: FakeSts = { port: 0, mode: 'verify', delayMs: 0, calls: [], close: async () => undefined };
  const xmlError = (res: http.ServerResponse, status: number, code: string): void => {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error></ErrorResponse>`);
  };
  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (sts.mode === 'reset') return void req.socket.destroy();
    if (sts.mode === 'status503') return xmlError(res, 503, 'ServiceUnavailable');
    if (sts.mode === 'throttle') return xmlError(res, 400, 'Throttling');
    const checked = verifySigV4({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers }, byKey, { service: 'sts', region: REGION, form: 'query' });
    if (!checked.ok) return xmlError(res, 403, checked.code === 'InvalidClientTokenId' ? 'InvalidClientTokenId' : 'SignatureDoesNotMatch');
    const p = checked.principal;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        `<Arn>arn:aws:sts::${p.account}:assumed-role/${p.role}/session-1</Arn><UserId>AROAEXAMPLE:session-1</UserId>` +
        `<Account>${p.account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
    );
  };
  const server = http.createServer((req, res) => {
    sts.calls.push({ host: req.headers.host, audience: req.headers[CALLER_AUDIENCE_HEADER] as string | undefined, url: req.url ?? '' });
    if (sts.delayMs > 0) setTimeout(() => answer(req, res), sts.delayMs);
    else answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(sts, {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
