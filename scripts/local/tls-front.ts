/**
 * Local stand-in for the NLB's TLS listener: terminates TLS with the local leaf certificate and
 * pipes the plain bytes over TCP to the api-service port (TLS termination, then TCP to the target,
 * like the NLB). It never parses or changes the forwarded bytes; for the hop log it only peeks at
 * the first line and the `x-request-id` header of chunks that start with an HTTP request line
 * (best effort, logging only).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

/** The NLB's TCP idle timeout (fixed at 350 s for TLS listeners). */
export const NLB_IDLE_TIMEOUT_MS = 350_000;

export interface TlsFrontOptions {
  readonly key: string;
  readonly cert: string;
  readonly host: string;
  readonly port: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly idleTimeoutMs?: number;
  /** One line; `requestId` (sniffed from x-request-id) lets the hop log group it with its request. */
  readonly log: (line: string, requestId?: string) => void;
}

export interface TlsFrontStats {
  /** Completed TLS handshakes (`secureConnection`). */
  readonly handshakes: number;
  /** Handshakes that failed (`tlsClientError`), e.g. the client rejected the certificate. */
  readonly handshakeFailures: number;
  /** Client connections currently open. */
  readonly openConnections: number;
  /** Chunks that started with an HTTP request line (≈ requests forwarded). */
  readonly requestsSeen: number;
}

export interface TlsFront {
  readonly server: tls.Server;
  readonly port: number;
  stats(): TlsFrontStats;
  /** Stops accepting and destroys every connection (both sides). */
  close(): Promise<void>;
}

const REQUEST_LINE = /^([A-Z]{3,10}) (\S{1,2048}) HTTP\/1\.[01]\r\n/;
const REQUEST_ID_HEADER = /\r\nx-request-id: *([^\r\n]{1,128})/i;

export async function startTlsFront(options: TlsFrontOptions): Promise<TlsFront> {
  const { log, targetHost, targetPort } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? NLB_IDLE_TIMEOUT_MS;
  const sockets = new Set<net.Socket>();
  let handshakes = 0;
  let handshakeFailures = 0;
  let requestsSeen = 0;

  const server = tls.createServer({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' });

  server.on('secureConnection', (client: tls.TLSSocket) => {
    handshakes += 1;
    const conn = `conn#${handshakes}`;
    const target = `${targetHost}:${targetPort}`;
    log(
      `${conn} TLS handshake ok (${client.getProtocol() ?? '?'}, SNI ${client.servername || '-'}) from ` +
        `${client.remoteAddress}:${client.remotePort} -> tcp ${target}`,
    );
    const upstream = net.connect({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
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
    client.on('close', () => {
      sockets.delete(client);
      closeBoth();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      closeBoth();
    });
    client.on('error', (err: NodeJS.ErrnoException) => closeBoth(`client error ${err.code ?? err.message}`));
    upstream.on('error', (err: NodeJS.ErrnoException) =>
      // Like an NLB without a healthy target: the client's connection is reset.
      closeBoth(`target ${target} error ${err.code ?? err.message}`),
    );
    client.setTimeout(idleTimeoutMs, () => closeBoth(`idle for ${idleTimeoutMs} ms (NLB idle timeout)`));

    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 4096).toString('latin1');
      const line = REQUEST_LINE.exec(head);
      if (!line) return;
      requestsSeen += 1;
      log(`${conn} ${line[1]} ${line[2]} -> tcp ${target}`, REQUEST_ID_HEADER.exec(head)?.[1]);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });

  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    handshakeFailures += 1;
    const from = socket.remoteAddress ? ` from ${socket.remoteAddress}:${socket.remotePort}` : '';
    const hint =
      err.code === 'ECONNRESET' ? ' (the client closed the connection during the handshake, e.g. it rejected the certificate)' : '';
    log(`TLS handshake failed${from}: ${err.code ?? err.message}${hint}`);
    socket.destroy();
  });

  const address = await new Promise<net.AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server.address() as net.AddressInfo);
    });
  });

  return {
    server,
    port: address.port,
    stats: () => ({ handshakes, handshakeFailures, openConnections: countClients(sockets), requestsSeen }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function countClients(sockets: ReadonlySet<net.Socket>): number {
  let n = 0;
  for (const s of sockets) if (s instanceof tls.TLSSocket) n += 1;
  return n;
}
