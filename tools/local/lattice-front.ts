/**
 * Local stand-in for a VPC Lattice service with auth type AWS_IAM in front of the api-service
 * (`npm start -- --connectivity lattice`). It does what the API relies on Lattice for:
 *
 * - terminates TLS on the API's own name with the local PKI (Lattice's HTTPS listener with the
 *   service's custom domain certificate);
 * - really verifies each request's SigV4 signature (service `vpc-lattice-svcs`, header form, the
 *   region and 5-minute window AWS applies) with the secrets of the principals it knows: the same
 *   verifier as the STS stand-in (lib/runtime/api-service/test/sigv4-verifier.ts);
 * - refuses what Lattice refuses with 403: an unsigned request (an anonymous principal the auth
 *   policy does not allow), a signature that does not verify, a principal the policy does not list.
 *   AWS documents no response body for this; Lattice's access logs show responseCode 403 for an
 *   auth denial, and the body here says AccessDeniedException;
 * - strips every client-supplied `x-amzn-lattice-*` header and adds its own identity, network and
 *   target headers in AWS's documented format, plus x-forwarded-for / -port / -proto;
 * - forwards over plain HTTP keep-alive to the api-service (Lattice to an HTTP target group).
 *
 * Not reproduced: SigV4A, HTTP/2, Lattice's own health checks, quotas and access logs.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { LATTICE_HEADER_PREFIX, LATTICE_IDENTITY_HEADER } from '../../lib/runtime/api-service/src/lattice-identity';
import { SigningPrincipal, verifySigV4 } from '../../lib/runtime/api-service/test/sigv4-verifier';
import { LATTICE_SIGNING_SERVICE } from '../../lib/runtime/graphql-resolver/src/lattice-signing';

/** A principal the stand-in's auth policy allows: its credentials, account and role. */
export interface LatticePrincipal extends SigningPrincipal {
  readonly account: string;
  readonly role: string;
}

export interface LatticeFrontOptions {
  readonly key: string;
  readonly cert: string;
  readonly host: string;
  readonly port: number;
  /** The api-service, plain HTTP on `host`. */
  readonly targetPort: number;
  /** The region requests must be signed for. */
  readonly region: string;
  /** Who may invoke the service (the auth policy): everyone else, signed or not, gets 403. */
  readonly allowed: readonly LatticePrincipal[];
  /** One line per request; `requestId` (x-request-id) groups it with its GraphQL request. */
  readonly log: (line: string, requestId?: string) => void;
}

export type LatticeFront = Awaited<ReturnType<typeof startLatticeFront>>;

/** Placeholder ARNs for the headers Lattice adds (the local account is all zeros). */
const LOCAL_ACCOUNT = '000000000000';
/** Headers a proxy does not forward (RFC 9110 7.6.1); node:http sets its own framing. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The session name Lattice reports: the access key stands in for Lambda's session name (the function's name). */
const sessionOf = (p: LatticePrincipal): string => `session-${p.credentials.accessKeyId.slice(-6)}`;

export async function startLatticeFront(options: LatticeFrontOptions) {
  const { log, region } = options;
  const principals = new Map(options.allowed.map((p) => [p.credentials.accessKeyId, p]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  /** As the TLS front counts them, so the stack's stats read the same in both modes; and the requests refused. */
  const counts = { tlsHandshakes: 0, tlsHandshakeFailures: 0, latticeRequests: 0, latticeRefused: 0 };
  const sockets = new Set<Socket>();
  const arn = (kind: string, id: string): string => `arn:aws:vpc-lattice:${region}:${LOCAL_ACCOUNT}:${kind}/${id}`;

  const server = https.createServer({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' }, (req, res) => {
    counts.latticeRequests += 1;
    const target = req.url ?? '/';
    const rid = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined;
    const checked = verifySigV4({ method: req.method ?? 'GET', target, headers: req.headers }, principals, {
      service: LATTICE_SIGNING_SERVICE,
      region,
      form: 'header',
    });
    if (!checked.ok) {
      counts.latticeRefused += 1;
      // An unsigned request is evaluated as the anonymous principal, which the policy does not allow.
      const who = checked.code === 'MissingAuthenticationToken' ? 'anonymous' : 'the signer';
      log(`${req.method} ${target} 403 AccessDeniedException (${checked.code}: ${checked.reason})`, rid);
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(`AccessDeniedException: User: ${who} is not authorized to perform: ${LATTICE_SIGNING_SERVICE}:Invoke on resource: ${arn('service', 'svc-local')}${target} (${checked.code})\n`);
      return;
    }
    const p = checked.principal;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // Lattice strips the identity headers a client sends: what the target reads is Lattice's.
      if (name.startsWith(LATTICE_HEADER_PREFIX) || HOP_BY_HOP.has(name) || value === undefined) continue;
      headers[name] = value;
    }
    const session = sessionOf(p);
    Object.assign(headers, {
      [LATTICE_IDENTITY_HEADER]: `Principal=arn:aws:sts::${p.account}:assumed-role/${p.role}/${session}; PrincipalOrgID=; PrincipalOrgPaths=; SessionName=${session}; Type=AWS_IAM`,
      'x-amzn-lattice-network': `SourceVpcArn=arn:aws:ec2:${region}:${p.account}:vpc/vpc-0local`,
      'x-amzn-lattice-target': `ServiceArn=${arn('service', 'svc-local')};ServiceNetworkArn=${arn('servicenetwork', 'sn-local')};TargetGroupArn=${arn('targetgroup', 'tg-local')}`,
      // AWS's page names these x-forwarded-port/-proto in its source, x-forwarded-for-port/-proto in
      // its rendered copy; the api-service reads neither.
      'x-forwarded-for': req.socket.remoteAddress ?? '',
      'x-forwarded-port': String(options.port === 0 ? (server.address() as AddressInfo).port : options.port),
      'x-forwarded-proto': 'https',
    });
    const upstream = http.request({ agent, host: options.host, port: options.targetPort, method: req.method, path: target, headers }, (up) => {
      log(`${req.method} ${target} -> ${p.role} (SigV4 ok) -> http ${options.host}:${options.targetPort} ${up.statusCode}`, rid);
      const back: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value;
      res.writeHead(up.statusCode ?? 502, back);
      up.pipe(res);
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      log(`${req.method} ${target} -> target error ${err.code ?? err.message}`, rid);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad Gateway\n');
      } else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('secureConnection', (socket) => {
    counts.tlsHandshakes += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    counts.tlsHandshakeFailures += 1;
    log(`TLS handshake failed: ${err.code ?? err.message}`);
    socket.destroy();
  });

  await once(server.listen(options.port, options.host), 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    stats: () => ({ ...counts, tlsOpenConnections: sockets.size }),
    /** Stops accepting, destroys every connection and the pool to the target. */
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
