/**
 * The whole data path on one machine, no AWS (drawn in ./README.md): GraphQL endpoint -> the real
 * Lambda handler -> TLS front (the NLB's listener) -> api-service, on 127.0.0.1 only; with
 * `connectivity: 'lattice'`, a VPC Lattice stand-in (./lattice-front.ts) replaces the TLS front and
 * the STS stand-in: the resolver SigV4-signs, the stand-in verifies and adds the identity header. `startLocalStack()` is used by
 * `npm start` (tools/local/main.ts), by test/tools/local, tools/local/measure.ts and tools/bench.
 *
 * One stack per process at a time: like in a Lambda execution environment, the resolver's
 * configuration and keep-alive agent are module-level state, configured here through the same
 * environment variables as in AWS (API_BASE_URL, API_CA_FILE, API_CONNECT_HOST, API_CONNECT_PORT,
 * API_AUDIENCE or API_SIGNING).
 */
import { join } from 'node:path';
import { ApiServer, createApiServer } from '../../lib/runtime/api-service/src/app';
import { createCallerVerifier } from '../../lib/runtime/api-service/src/caller-identity';
import type { CallerIdentitySource } from '../../lib/runtime/api-service/src/caller-identity-source';
import { CALLER_TOKEN_HEADER } from '../../lib/runtime/api-service/src/contract';
import { LATTICE_IDENTITY_HEADER, createLatticeIdentitySource } from '../../lib/runtime/api-service/src/lattice-identity';
// The STS stand-in of the identity tests: it checks the SigV4 signature of each presigned request
// against the local caller's test credentials, as STS would, and answers GetCallerIdentity.
import { FakeSts, principal, REGION, startFakeSts } from '../../lib/runtime/api-service/test/fake-sts';
import { makeCallerToken, regionalStsHost } from '../../lib/runtime/graphql-resolver/src/caller-token';
import { createLogger } from '../../lib/runtime/api-service/src/logger';
import { exampleConfig } from '../../lib/config/environments';
import { getAgentStats, getConfig, resetApiClient } from '../../lib/runtime/graphql-resolver/src/api-client';
import { GRAPHQL_PATH, GraphqlServer, startGraphqlServer } from './graphql-server';
import { HopLog } from './hop-log';
import { LatticeFront, startLatticeFront } from './lattice-front';
import { createLocalPki } from './pki';
import { TlsFront, startTlsFront } from './tls-front';

export const LOCAL_HOST = '127.0.0.1';
/** Generated CA / certificate / key go here (ignored by git). */
export const DEFAULT_STATE_DIR = join(__dirname, '..', '..', '.local');
/** The API name of the example config's first environment (`catalogue.dev.example.com`). */
export const DEFAULT_API_NAME = exampleConfig.environments[0].apis[0].domain;

export type PortRole = 'graphql' | 'tls-front' | 'api';

/**
 * The path between the resolver and the API, by the configuration's connectivity modes: the
 * transit gateway and PrivateLink both end at the NLB's TLS listener (the TLS front here, with a
 * caller token checked against the STS stand-in); `lattice` is a VPC Lattice service (SigV4 and
 * the identity header, no token, no STS).
 */
export const LOCAL_CONNECTIVITY = ['transit-gateway', 'privatelink', 'lattice'] as const;
export type LocalConnectivity = (typeof LOCAL_CONNECTIVITY)[number];

export interface LocalStackOptions {
  /** Name the resolver calls (`https://<apiName>`) and verifies the certificate against. */
  readonly apiName?: string;
  /** Name in the TLS front's certificate. Defaults to `apiName`; set a different one to see verification fail. */
  readonly certificateName?: string;
  /**
   * The path to the API (see LOCAL_CONNECTIVITY).
   * @default 'transit-gateway'
   */
  readonly connectivity?: LocalConnectivity;
  /** Ports on 127.0.0.1; 0 (the default) picks a free one. */
  readonly graphqlPort?: number;
  readonly tlsFrontPort?: number;
  readonly apiPort?: number;
  /** Where ca.pem, tls-front.pem and tls-front-key.pem are written. Default: `<repo>/.local`. */
  readonly stateDir?: string;
  /** Receives one line per hop per request (`<hop> <message>`, see ./hop-log.ts). Default: console.log. */
  readonly log?: (line: string) => void;
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;
export type LocalStackStats = ReturnType<LocalStack['stats']>;

/** A port could not be bound; `role` says which server. */
export class PortUnavailableError extends Error {
  override readonly name = 'PortUnavailableError';
  constructor(readonly role: PortRole, readonly port: number, readonly code: string) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} (${role}) on ${LOCAL_HOST} is already in use — stop whatever listens there or choose another port`
        : `cannot listen on ${LOCAL_HOST}:${port} (${role}): ${code}`,
    );
  }
}

const RESOLVER_ENV = ['API_BASE_URL', 'API_CA_PEM', 'API_CA_FILE', 'API_CONNECT_HOST', 'API_CONNECT_PORT', 'API_TIMEOUT_MS', 'API_AUDIENCE', 'API_SIGNING', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'];

/**
 * The local caller, as the API's CALLERS lists it: a consumer's resolver role with test credentials
 * (the STS and Lattice stand-ins know their secret). The audience is the API name's first label.
 */
const LOCAL_CALLER = { consumer: 'local', ...principal(1, '000000000000', 'local-resolver') };
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

let running = false;

/** `start()`, with a port that cannot be bound reported as a PortUnavailableError. */
const bind = <T>(role: PortRole, port: number, start: () => Promise<T>): Promise<T> =>
  start().catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new PortUnavailableError(role, port, err.code) : err;
  });

/** Formats the api-service's JSON log lines as one concise hop line. */
function apiServiceSink(hopLog: HopLog, countRequest: () => void): (json: string) => void {
  return (json) => {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(json) as Record<string, unknown>;
    } catch {
      hopLog.line('api-service', json);
      return;
    }
    if (rec.msg === 'request') {
      countRequest();
      const rid = typeof rec.requestId === 'string' ? rec.requestId : undefined;
      const aborted = rec.aborted === true ? ' (aborted)' : '';
      const caller = typeof rec.consumer === 'string' ? ` consumer ${rec.consumer}` : '';
      hopLog.line('api-service', `${rec.method} ${rec.path} ${rec.status} ${rec.durationMs}ms${caller}${aborted}`, rid);
      return;
    }
    const { level, msg, ...rest } = rec;
    delete rest.time;
    hopLog.line('api-service', `${level} ${msg}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''}`);
  };
}

export async function startLocalStack(options: LocalStackOptions = {}) {
  if (running) throw new Error('a local stack is already running in this process (the resolver client is process-wide state)');
  const apiName = options.apiName ?? DEFAULT_API_NAME;
  const connectivity = options.connectivity ?? 'transit-gateway';
  if (!LOCAL_CONNECTIVITY.includes(connectivity)) throw new Error(`connectivity must be one of ${LOCAL_CONNECTIVITY.join(', ')}, got "${String(connectivity)}"`);
  const lattice = connectivity === 'lattice';
  const certificateName = options.certificateName ?? apiName;
  for (const [what, name] of Object.entries({ apiName, certificateName })) {
    if (!DNS_NAME.test(name)) throw new Error(`${what} must be a DNS name, got "${name}"`);
  }
  // Node itself refuses a port outside 0..65535.
  const { graphqlPort = 0, tlsFrontPort = 0, apiPort = 0 } = options;
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const hopLog = new HopLog(options.log ?? ((line: string) => console.log(line)));

  running = true;
  const savedEnv = Object.fromEntries(RESOLVER_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  const restoreEnv = (): void => {
    for (const k of RESOLVER_ENV) delete process.env[k];
    Object.assign(process.env, savedEnv);
  };

  let apiRequests = 0;
  let api: ApiServer | undefined;
  let sts: FakeSts | undefined;
  let front: TlsFront | LatticeFront | undefined;
  let graphql: GraphqlServer | undefined;
  let resolverConnectionsAtStop: number | undefined;

  const shutdown = async (): Promise<void> => {
    // Outside in: stop taking GraphQL requests, drop the resolver's pooled TLS connections,
    // then the front and the service.
    try {
      await graphql?.close();
      resolverConnectionsAtStop = getAgentStats().connectionsOpened;
      resetApiClient();
      await front?.close();
      await api?.close();
      await sts?.close();
    } finally {
      restoreEnv();
      running = false;
    }
  };

  try {
    // 1. the api-service (same code as the container), plain HTTP on loopback, with caller identity
    //    on and the local resolver's role its one caller: verified through the STS stand-in, or
    //    read from the identity header the Lattice stand-in adds.
    const audience = apiName.split('.')[0];
    const callers = [{ consumer: LOCAL_CALLER.consumer, account: LOCAL_CALLER.account, role: LOCAL_CALLER.role }];
    let callerIdentity: CallerIdentitySource;
    if (lattice) {
      callerIdentity = createLatticeIdentitySource({ apiName: audience, callers });
    } else {
      sts = await startFakeSts([LOCAL_CALLER]);
      callerIdentity = createCallerVerifier({
        apiName: audience, stsRegion: REGION, stsHost: regionalStsHost(REGION), stsEndpoint: `http://${LOCAL_HOST}:${sts.port}`, callers,
      });
    }
    const apiServer = (api = createApiServer({ logger: createLogger(apiServiceSink(hopLog, () => (apiRequests += 1))), callerIdentity }));
    const apiAddress = await bind('api', apiPort, () => apiServer.listen(apiPort, LOCAL_HOST));

    // 2. throw-away PKI and the front: the NLB's TLS listener, or the Lattice service
    const pki = await createLocalPki(stateDir, certificateName);
    const hop = lattice ? 'lattice' : 'tls-front';
    const log = (line: string, requestId?: string) => hopLog.line(hop, line, requestId);
    front = await bind('tls-front', tlsFrontPort, () =>
      lattice
        ? startLatticeFront({ ...pki.leaf, host: LOCAL_HOST, port: tlsFrontPort, targetPort: apiAddress.port, region: REGION, allowed: [LOCAL_CALLER], log })
        : startTlsFront({ ...pki.leaf, host: LOCAL_HOST, port: tlsFrontPort, targetPort: apiAddress.port, log }),
    );

    // 3. the resolver, configured exactly like in AWS except for where it connects to
    for (const k of RESOLVER_ENV) delete process.env[k];
    process.env.API_BASE_URL = `https://${apiName}`;
    process.env.API_CA_FILE = pki.caFile;
    process.env.API_CONNECT_HOST = LOCAL_HOST;
    process.env.API_CONNECT_PORT = String(front.port);
    // ... and signing as a Lambda function does, with its role's credentials: caller tokens, or
    // every request for Lattice.
    Object.assign(process.env, {
      ...(lattice ? { API_SIGNING: 'lattice' } : { API_AUDIENCE: audience }),
      AWS_REGION: REGION, AWS_ACCESS_KEY_ID: LOCAL_CALLER.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CALLER.credentials.secretAccessKey, AWS_SESSION_TOKEN: LOCAL_CALLER.credentials.sessionToken,
    });
    resetApiClient();
    getConfig(); // fail now, not at the first query, if the configuration is invalid

    // 4. the GraphQL endpoint
    graphql = await bind('graphql', graphqlPort, () => startGraphqlServer({ host: LOCAL_HOST, port: graphqlPort, hopLog }));

    const graphqlUrl = `http://${LOCAL_HOST}:${graphql.port}${GRAPHQL_PATH}`;
    const frontPort = front.port;
    const query = '{"query":"{ item(id: \\"item-0001\\") { id name priceCents } }"}';
    let stopping: Promise<void> | undefined;
    return {
      host: LOCAL_HOST,
      /** e.g. http://127.0.0.1:4000/graphql */
      graphqlUrl,
      /** The api-service itself, plain HTTP (what the NLB targets), e.g. http://127.0.0.1:8080 */
      apiUrl: `http://${LOCAL_HOST}:${apiAddress.port}`,
      /** What the resolver is configured with (API_BASE_URL), e.g. https://catalogue.dev.example.com */
      apiBaseUrl: `https://${apiName}`,
      apiName,
      certificateName,
      connectivity,
      graphqlPort: graphql.port,
      tlsFrontPort: frontPort,
      apiPort: apiAddress.port,
      /** The CA to trust (API_CA_FILE). */
      caFile: pki.caFile,
      /** A ready-to-paste query. */
      curlCommand: `curl -s ${graphqlUrl} -H 'content-type: application/json' -d '${query}'`,
      /** The consumer name the API logs for the local resolver's requests. */
      consumer: LOCAL_CALLER.consumer,
      /**
       * Headers a direct request to the API needs: a fresh caller token of the local resolver's role,
       * or (lattice) the identity header the Lattice stand-in would add for it.
       */
      callerHeaders: (): Record<string, string> =>
        lattice
          ? { [LATTICE_IDENTITY_HEADER]: `Principal=arn:aws:sts::${LOCAL_CALLER.account}:assumed-role/${LOCAL_CALLER.role}/local; SessionName=local; Type=AWS_IAM` }
          : { [CALLER_TOKEN_HEADER]: makeCallerToken(audience, LOCAL_CALLER.credentials, REGION, Date.now()).token },
      /**
       * A ready-to-paste request through the front with verification on (curl --resolve), with no
       * identity: 401 from the API (no caller token), or 403 from the Lattice stand-in (unsigned).
       */
      curlTlsFrontCommand:
        `curl -s --cacert ${pki.caFile} --resolve ${apiName}:${frontPort}:${LOCAL_HOST} ` +
        `https://${apiName}:${frontPort}/v1/items/item-0001`,
      // Both servers are set by now; they keep their counts after stop().
      stats: () => ({
        ...graphql!.stats(),
        /** TLS connections the resolver's agent opened (since start). */
        resolverConnectionsOpened: resolverConnectionsAtStop ?? getAgentStats().connectionsOpened,
        ...front!.stats(),
        /** Requests answered by the api-service. */
        apiRequests,
      }),
      /** Closes every server and connection and destroys the resolver's agent. Idempotent. */
      stop: () => (stopping ??= shutdown()),
    };
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
}
