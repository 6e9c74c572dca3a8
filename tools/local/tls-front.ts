/**
 * Local stand-in for the NLB's TLS listener: terminates TLS with the local leaf certificate and
 * pipes the plain bytes over TCP to the api-service port on the same host (TLS termination, then TCP
 * to the target, like the NLB). It never parses or changes the forwarded bytes; for the hop log it only peeks at
 * the first line and the `x-request-id` header of chunks that start with an HTTP request line
 * (best effort, logging only).
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';

/** The NLB's TCP idle timeout (fixed at 350 s for TLS listeners). */
const NLB_IDLE_TIMEOUT_MS = 350_000;

export interface TlsFrontOptions {
  readonly key: string;
  readonly cert: string;
  /** Where to listen; the target listens on the same host. */
  readonly host: string;
  readonly port: number;
  readonly targetPort: number;
  /** One line; `requestId` (sniffed from x-request-id) lets the hop log group it with its request. */
  readonly log: (line: string, requestId?: string) => void;
}

export type TlsFront = Awaited<ReturnType<typeof startTlsFront>>;

const REQUEST_LINE = /^([A-Z]{3,10}) (\S{1,2048}) HTTP\/1\.[01]\r\n/;
const REQUEST_ID_HEADER = /\r\nx-request-id: *([^\r\n]{1,128})/i;

export async function startTlsFront(options: TlsFrontOptions) {
  const { log, host: targetHost, targetPort } = options;
  const clients = new Set<tls.TLSSocket>(); // closing one closes its target connection too
  /** Completed TLS handshakes (`secureConnection`), and failed ones (`tlsClientError`, e.g. the client rejected the certificate). */
  const counts = { tlsHandshakes: 0, tlsHandshakeFailures: 0 };

  const server = tls.createServer({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' });

  server.on('secureConnection', (client: tls.TLSSocket) => {
    counts.tlsHandshakes += 1;
    const conn = `conn#${counts.tlsHandshakes}`;
    const target = `${targetHost}:${targetPort}`;
    log(
      `${conn} TLS handshake ok (${client.getProtocol() ?? '?'}, SNI ${client.servername || '-'}) from ` +
        `${client.remoteAddress}:${client.remotePort} -> tcp ${target}`,
    );
    const upstream = net.connect({ host: targetHost, port: targetPort });
    clients.add(client);
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    let closed = false;
    const closeBoth = (why?: string): void => {
      if (closed) return;
      closed = true;
      if (why) log(`${conn} closed: ${why}`);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => (clients.delete(client), closeBoth()));
    upstream.on('close', () => closeBoth());
    client.on('error', (err: NodeJS.ErrnoException) => closeBoth(`client error ${err.code ?? err.message}`));
    // Like an NLB without a healthy target: the client's connection is reset.
    upstream.on('error', (err: NodeJS.ErrnoException) => closeBoth(`target ${target} error ${err.code ?? err.message}`));
    client.setTimeout(NLB_IDLE_TIMEOUT_MS, () => closeBoth(`idle for ${NLB_IDLE_TIMEOUT_MS} ms (NLB idle timeout)`));

    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 4096).toString('latin1');
      const line = REQUEST_LINE.exec(head);
      if (line) log(`${conn} ${line[1]} ${line[2]} -> tcp ${target}`, REQUEST_ID_HEADER.exec(head)?.[1]);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });

  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    counts.tlsHandshakeFailures += 1;
    const from = socket.remoteAddress ? ` from ${socket.remoteAddress}:${socket.remotePort}` : '';
    const hint =
      err.code === 'ECONNRESET' ? ' (the client closed the connection during the handshake, e.g. it rejected the certificate)' : '';
    log(`TLS handshake failed${from}: ${err.code ?? err.message}${hint}`);
    socket.destroy();
  });

  await once(server.listen(options.port, options.host), 'listening');

  return {
    port: (server.address() as net.AddressInfo).port,
    /** The counts, and the client connections open now. */
    stats: () => ({ ...counts, tlsOpenConnections: clients.size }),
    /** Stops accepting and destroys every connection (both sides). */
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const client of clients) client.destroy();
      await closed;
    },
  };
}
