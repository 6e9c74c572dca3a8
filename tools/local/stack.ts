/**
 * The whole data path of one consumer on one machine, no AWS (drawn in ./README.md), for every API
 * the consumer calls: GraphQL endpoint (the consumer's merged schema) -> each field's API's real
 * Lambda handler (its own worker thread and environment, ./resolver-host.ts) -> that API's TLS
 * front (its NLB's listener, its own name and certificate) -> that API's service (its runtime
 * folder's own process, ./api-process.ts), on 127.0.0.1 only. With `connectivity: 'lattice'`,
 * a VPC Lattice stand-in per API (./lattice-front.ts) replaces the TLS front and the STS stand-in:
 * the resolver SigV4-signs, the stand-in verifies and adds the identity header.
 * `startLocalStack()` is used by `npm start` (tools/local/main.ts), by test/tools/local,
 * tools/local/measure.ts and tools/bench.
 *
 * One stack per process at a time: besides each worker's own environment, this process's
 * environment carries the first API's resolver configuration (API_BASE_URL, API_CA_FILE,
 * API_CONNECT_HOST, API_CONNECT_PORT, API_AUDIENCE or API_SIGNING, AWS_*), so that a caller
 * invoking that handler in this process (the resolver bench) reaches the stack too.
 */
import { join } from 'node:path';
import { apiRuntimeOf, mergedSchema } from '../../lib/config/api-runtime';
import { exampleConfig } from '../../lib/config/environments';
import type { ApiConfig, AppConfig } from '../../lib/config/types';
import { CALLER_TOKEN_HEADER } from '../../lib/runtime/api-service/src/contract';
import { LATTICE_IDENTITY_HEADER } from '../../lib/runtime/api-service/src/lattice-identity';
// The STS stand-in of the identity tests: it checks the SigV4 signature of each presigned request
// against the local caller's test credentials, as STS would, and answers GetCallerIdentity.
import { FakeSts, principal, REGION, startFakeSts } from '../../lib/runtime/api-service/test/fake-sts';
import { makeCallerToken } from '../../lib/runtime/graphql-resolver/src/caller-token';
import type { ResolverEvent } from '../../lib/runtime/graphql-resolver/src/handler';
import { ApiListenError, ApiProcess, startApiProcess } from './api-process';
import { FieldResolver, GRAPHQL_PATH, GraphqlServer, startGraphqlServer } from './graphql-server';
import { HopLog } from './hop-log';
import { LatticeFront, startLatticeFront } from './lattice-front';
import { REPO_ROOT } from './paths';
import { createLocalPki } from './pki';
import { ResolverHost, startResolverHost } from './resolver-host';
import { TlsFront, startTlsFront } from './tls-front';

export const LOCAL_HOST = '127.0.0.1';
/** Generated CA / certificates / keys and the bundles go here (ignored by git). */
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local');
/** The name of the example config's first API of its first environment (`catalogue.dev.example.com`). */
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

/**
 * A query and a direct request per runtime folder, for the banner and the tests: the runtime's
 * fragment names the fields, not a sensible argument. A runtime missing here gets none.
 */
const SAMPLES: Readonly<Record<string, { readonly query: string; readonly path: string }>> = {
  'api-service': { query: '{ item(id: "item-0001") { id name priceCents } }', path: '/v1/items/item-0001' },
  'stock-service': { query: '{ stockLevel(itemId: "item-0001") { itemId available reserved updatedAt } }', path: '/v1/stock/item-0001' },
};

export interface LocalStackOptions {
  /**
   * The configuration whose environment runs.
   * @default the example configuration (lib/config/environments.ts)
   */
  readonly config?: AppConfig;
  /**
   * The environment (`environments[].name`).
   * @default the first environment
   */
  readonly environment?: string;
  /**
   * The consumer (`consumers[].name`) whose GraphQL API is served: every API it `calls` runs.
   * @default the environment's first consumer
   */
  readonly consumer?: string;
  /**
   * Names to put in an API's certificate instead of its domain, by API name (`apis[].name`): to see
   * host name verification fail for that API.
   * @default - each certificate is for its API's domain
   */
  readonly certificateNames?: Readonly<Record<string, string>>;
  /**
   * The path to the APIs (see LOCAL_CONNECTIVITY).
   * @default 'transit-gateway'
   */
  readonly connectivity?: LocalConnectivity;
  /**
   * Ports on 127.0.0.1. `tlsFrontPort` and `apiPort` are the first API's; the next APIs take the
   * next ports (8443, 8444, ...). 0 picks free ones.
   * @default 0
   */
  readonly graphqlPort?: number;
  readonly tlsFrontPort?: number;
  readonly apiPort?: number;
  /** Where ca.pem, the certificates, keys and bundles are written. Default: `<repo>/.local`. */
  readonly stateDir?: string;
  /** Receives one line per hop per request (`<hop>@<api> <message>`, see ./hop-log.ts). Default: console.log. */
  readonly log?: (line: string) => void;
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;
export type LocalStackStats = ReturnType<LocalStack['stats']>;
export type LocalApi = LocalStack['apis'][number];

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
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

let running = false;

/** `start()`, with a port that cannot be bound reported as a PortUnavailableError. */
const bind = <T>(role: PortRole, port: number, start: () => Promise<T>): Promise<T> =>
  start().catch((err: NodeJS.ErrnoException) => {
    const code = err instanceof ApiListenError ? err.code : err.code;
    throw code === 'EADDRINUSE' || code === 'EACCES' ? new PortUnavailableError(role, port, code) : err;
  });

/** Formats an API service's JSON log lines as one concise hop line. */
function apiServiceSink(hopLog: HopLog, api: string, countRequest: () => void): (json: string) => void {
  return (json) => {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(json) as Record<string, unknown>;
    } catch {
      hopLog.line('api-service', json, undefined, api);
      return;
    }
    if (rec.msg === 'request') {
      countRequest();
      const rid = typeof rec.requestId === 'string' ? rec.requestId : undefined;
      const aborted = rec.aborted === true ? ' (aborted)' : '';
      const caller = typeof rec.consumer === 'string' ? ` consumer ${rec.consumer}` : '';
      hopLog.line('api-service', `${rec.method} ${rec.path} ${rec.status} ${rec.durationMs}ms${caller}${aborted}`, rid, api);
      return;
    }
    const { level, msg, ...rest } = rec;
    delete rest.time;
    hopLog.line('api-service', `${level} ${msg}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''}`, undefined, api);
  };
}

/** The environment and consumer to run, and the APIs it calls, in the environment's order. */
function selection(options: LocalStackOptions) {
  const config = options.config ?? exampleConfig;
  const names = config.environments.map((e) => e.name);
  const environment = options.environment === undefined ? config.environments[0] : config.environments.find((e) => e.name === options.environment);
  if (!environment) throw new Error(`environment "${options.environment}" is not in the configuration; it has ${names.join(', ')}`);
  const consumers = environment.consumers.map((c) => c.name);
  const consumer = options.consumer === undefined ? environment.consumers[0] : environment.consumers.find((c) => c.name === options.consumer);
  if (!consumer) throw new Error(`consumer "${options.consumer}" is not in environment ${environment.name}; it has ${consumers.join(', ')}`);
  const apis: ApiConfig[] = environment.apis.filter((a) => consumer.calls.includes(a.name));
  for (const name of Object.keys(options.certificateNames ?? {})) {
    if (!apis.some((a) => a.name === name)) throw new Error(`certificateNames names API "${name}", which consumer ${consumer.name} does not call; it calls ${apis.map((a) => a.name).join(', ')}`);
  }
  return { environment, consumer, apis };
}

/** Sums the counters of several servers of one kind. */
function sum<T extends Record<string, number>>(records: readonly T[]): T {
  const total: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) total[k] = (total[k] ?? 0) + v;
  return total as T;
}

interface RunningApi {
  readonly config: ApiConfig;
  requests: number;
  service?: ApiProcess;
  front?: TlsFront | LatticeFront;
  resolver?: ResolverHost;
}

export async function startLocalStack(options: LocalStackOptions = {}) {
  if (running) throw new Error('a local stack is already running in this process (its environment carries the first API\'s resolver configuration)');
  const { environment, consumer, apis } = selection(options);
  const connectivity = options.connectivity ?? 'transit-gateway';
  if (!LOCAL_CONNECTIVITY.includes(connectivity)) throw new Error(`connectivity must be one of ${LOCAL_CONNECTIVITY.join(', ')}, got "${String(connectivity)}"`);
  const lattice = connectivity === 'lattice';
  const certificateNames = Object.fromEntries(apis.map((a) => [a.name, options.certificateNames?.[a.name] ?? a.domain]));
  for (const [api, name] of Object.entries(certificateNames)) {
    if (!DNS_NAME.test(name)) throw new Error(`the certificate name of API ${api} must be a DNS name, got "${name}"`);
  }
  // Node itself refuses a port outside 0..65535.
  const { graphqlPort = 0, tlsFrontPort = 0, apiPort = 0 } = options;
  const portOf = (base: number, i: number): number => (base === 0 ? 0 : base + i);
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const bundleDir = join(stateDir, 'bundles');
  const labelWidth = Math.max(11, ...apis.map((a) => 'api-service@'.length + a.name.length));
  const hopLog = new HopLog(options.log ?? ((line: string) => console.log(line)), labelWidth);
  /**
   * The local caller, as each API's CALLERS lists it: the consumer's resolver role (in its account)
   * with test credentials, which the STS and Lattice stand-ins know the secret of.
   */
  const caller = { consumer: consumer.name, ...principal(1, consumer.account, 'local-resolver') };
  const callers = [{ consumer: caller.consumer, account: caller.account, role: caller.role }];

  running = true;
  const savedEnv = Object.fromEntries(RESOLVER_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  const restoreEnv = (): void => {
    for (const k of RESOLVER_ENV) delete process.env[k];
    Object.assign(process.env, savedEnv);
  };

  const units: RunningApi[] = apis.map((config) => ({ config, requests: 0 }));
  let sts: FakeSts | undefined;
  let graphql: GraphqlServer | undefined;

  const shutdown = async (): Promise<void> => {
    // Outside in: stop taking GraphQL requests, drop the resolvers' pooled TLS connections,
    // then the fronts and the services (each drains on SIGTERM, as in ECS).
    try {
      await graphql?.close();
      await Promise.all(units.map((a) => a.resolver?.stop()));
      await Promise.all(units.map((a) => a.front?.close()));
      await Promise.all(units.map((a) => a.service?.stop()));
      await sts?.close();
    } finally {
      restoreEnv();
      running = false;
    }
  };

  try {
    // 1. each API's service (its runtime folder's process, as its container runs it), plain HTTP on
    //    loopback, caller identity on with the consumer's resolver role its one caller: verified
    //    through the STS stand-in, or read from the identity header the Lattice stand-in adds.
    if (!lattice) sts = await startFakeSts([caller]);
    await Promise.all(
      units.map(async (a, i) => {
        const env: Record<string, string> = { CALLERS: JSON.stringify(callers), API_NAME: a.config.name };
        Object.assign(env, lattice ? { CALLER_IDENTITY_SOURCE: 'lattice' } : { STS_REGION: REGION, STS_ENDPOINT: `http://${LOCAL_HOST}:${sts!.port}` });
        const port = portOf(apiPort, i);
        const onLog = apiServiceSink(hopLog, a.config.name, () => (a.requests += 1));
        const runtimeDir = join(REPO_ROOT, 'lib', 'runtime', apiRuntimeOf(a.config).folder);
        a.service = await bind('api', port, () => startApiProcess({ api: a.config.name, runtimeDir, env, host: LOCAL_HOST, port, bundleDir, onLog }));
      }),
    );

    // 2. throw-away PKI (one CA, one certificate per API's name) and each API's front: its NLB's
    //    TLS listener, or its Lattice service
    const pki = await createLocalPki(stateDir, certificateNames);
    const hop = lattice ? 'lattice' : 'tls-front';
    for (const [i, a] of units.entries()) {
      const port = portOf(tlsFrontPort, i);
      const log = (line: string, requestId?: string) => hopLog.line(hop, line, requestId, a.config.name);
      const leaf = pki.leaves[a.config.name];
      const targetPort = a.service!.port;
      a.front = await bind('tls-front', port, () =>
        lattice
          ? startLatticeFront({ ...leaf, host: LOCAL_HOST, port, targetPort, region: REGION, allowed: [caller], log })
          : startTlsFront({ ...leaf, host: LOCAL_HOST, port, targetPort, log }),
      );
    }

    // 3. each API's resolver, configured exactly like its function in AWS except for where it
    //    connects to, and signing with its role's credentials: caller tokens, or every request for Lattice.
    const resolverEnv = (a: RunningApi): Record<string, string> => ({
      API_BASE_URL: `https://${a.config.domain}`,
      API_CA_FILE: pki.caFile,
      API_CONNECT_HOST: LOCAL_HOST,
      API_CONNECT_PORT: String(a.front!.port),
      ...(lattice ? { API_SIGNING: 'lattice' } : { API_AUDIENCE: a.config.name }),
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: caller.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: caller.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: caller.credentials.sessionToken ?? '',
    });
    await Promise.all(
      units.map(async (a) => {
        a.resolver = await startResolverHost({ api: a.config.name, entry: apiRuntimeOf(a.config).graphql.resolverEntry, env: resolverEnv(a), bundleDir });
      }),
    );
    for (const k of RESOLVER_ENV) delete process.env[k];
    Object.assign(process.env, resolverEnv(units[0]));

    // 4. the consumer's GraphQL endpoint: its merged schema, each field resolved by its API's resolver
    const runtimes = units.map((a) => apiRuntimeOf(a.config));
    const resolvers = new Map<string, FieldResolver>();
    for (const [i, a] of units.entries()) {
      const invoke = (event: ResolverEvent): Promise<unknown> => a.resolver!.invoke(event);
      for (const field of runtimes[i].graphql.queryFields) resolvers.set(field, { api: a.config.name, invoke });
    }
    graphql = await bind('graphql', graphqlPort, () =>
      startGraphqlServer({ host: LOCAL_HOST, port: graphqlPort, hopLog, schema: mergedSchema(runtimes), resolvers, callerAccount: consumer.account }),
    );

    const graphqlUrl = `http://${LOCAL_HOST}:${graphql.port}${GRAPHQL_PATH}`;
    const curl = (query: string): string => `curl -s ${graphqlUrl} -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
    const localApis = units.map((a, i) => {
      const frontPort = a.front!.port;
      const sample = SAMPLES[runtimes[i].folder];
      const env = resolverEnv(a);
      return {
        /** `apis[].name`, e.g. catalogue */
        name: a.config.name,
        /** The name its resolver calls and verifies the certificate against, e.g. catalogue.dev.example.com */
        domain: a.config.domain,
        /** The name in its front's certificate (its domain unless overridden). */
        certificateName: certificateNames[a.config.name],
        /** Its runtime folder under lib/runtime. */
        runtime: runtimes[i].folder,
        /** Its Query fields in the consumer's schema. */
        fields: runtimes[i].graphql.queryFields,
        /** What its resolver is configured with (API_BASE_URL), e.g. https://catalogue.dev.example.com */
        baseUrl: `https://${a.config.domain}`,
        /** Its service itself, plain HTTP (what the NLB targets), e.g. http://127.0.0.1:8080 */
        apiUrl: `http://${LOCAL_HOST}:${a.service!.port}`,
        apiPort: a.service!.port,
        /** Its service's process id. */
        pid: a.service!.pid,
        frontPort,
        /** Its resolver's whole environment (the worker's process.env). */
        resolverEnv: env,
        /** A ready-to-paste query of its field, and the request path the service answers it with. */
        sample: sample && { ...sample, curl: curl(sample.query) },
        /**
         * Headers a direct request to its service needs: a fresh caller token for it, or (lattice)
         * the identity header the Lattice stand-in would add for the consumer's role.
         */
        callerHeaders: (): Record<string, string> =>
          lattice
            ? { [LATTICE_IDENTITY_HEADER]: `Principal=arn:aws:sts::${caller.account}:assumed-role/${caller.role}/local; SessionName=local; Type=AWS_IAM` }
            : { [CALLER_TOKEN_HEADER]: makeCallerToken(a.config.name, caller.credentials, REGION, Date.now()).token },
        /**
         * A ready-to-paste request through its front with verification on (curl --resolve), with no
         * identity: 401 from the service (no caller token), or 403 from the Lattice stand-in (unsigned).
         */
        curlFrontCommand:
          `curl -s --cacert ${pki.caFile} --resolve ${a.config.domain}:${frontPort}:${LOCAL_HOST} ` +
          `https://${a.config.domain}:${frontPort}${sample?.path ?? '/'}`,
        stats: () => ({ ...a.front!.stats(), resolverConnectionsOpened: a.resolver!.connectionsOpened(), apiRequests: a.requests }),
      };
    });
    const [first] = localApis;
    let stopping: Promise<void> | undefined;
    return {
      host: LOCAL_HOST,
      /** e.g. http://127.0.0.1:4000/graphql */
      graphqlUrl,
      graphqlPort: graphql.port,
      connectivity,
      environment: environment.name,
      /** The consumer whose GraphQL API this is, and the name each API logs for its requests. */
      consumer: consumer.name,
      /** The consumer's schema, as its AppSync API has it. */
      schema: mergedSchema(runtimes),
      /** Every API the consumer calls, in the environment's order. */
      apis: localApis,
      /** The CA to trust (API_CA_FILE). */
      caFile: pki.caFile,
      // The first API's, for callers that know one API (the bench, tools/local/measure.ts).
      apiName: first.domain,
      apiBaseUrl: first.baseUrl,
      apiUrl: first.apiUrl,
      apiPort: first.apiPort,
      tlsFrontPort: first.frontPort,
      certificateName: first.certificateName,
      callerHeaders: first.callerHeaders,
      curlTlsFrontCommand: first.curlFrontCommand,
      /** The first API's ready-to-paste query (the README's quick start for the example). */
      curlCommand: first.sample?.curl ?? curl('{ __typename }'),
      /** Totals over every API; per API in `apis[].stats()`. They keep their counts after stop(). */
      stats: () => ({ ...graphql!.stats(), ...sum(localApis.map((a) => a.stats())) }),
      /** Closes every server, worker, process and connection. Idempotent. */
      stop: () => (stopping ??= shutdown()),
    };
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
}
