/**
 * `npm start`: the whole data path of one consumer on this machine, no AWS (see ./stack.ts), for
 * every API it calls (the example's Dev storefront: catalogue and stock):
 *
 *   GraphQL :4000 -> each API's real Lambda handler -> its TLS front :8443, :8444 (NLB stand-ins) -> its service :8080, :8081
 *   --connectivity lattice: ... -> each API's handler (SigV4) -> its Lattice stand-in :8443, :8444 -> its service
 *
 * Options: USAGE below (`npm start -- --help`); `--cert-name [API=]NAME` puts another name in an
 * API's certificate, to see host name verification fail; `--quiet`: no per-request hop lines.
 * Stops cleanly on Ctrl-C / SIGTERM (exit 0): servers closed, the resolvers' workers ended, the
 * services drained, ports released.
 */
import { relative } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { exampleConfig } from '../../lib/config/environments';
import { LOCAL_CONNECTIVITY, LocalConnectivity, LocalStack, PortRole, PortUnavailableError, startLocalStack } from './stack';

/** Each server's port: its option, environment variable and default. */
const PORTS = {
  graphql: { option: 'graphql-port', env: 'LOCAL_GRAPHQL_PORT', fallback: 4000 },
  'tls-front': { option: 'tls-port', env: 'LOCAL_TLS_PORT', fallback: 8443 },
  api: { option: 'api-port', env: 'LOCAL_API_PORT', fallback: 8080 },
} as const satisfies Record<PortRole, { option: string; env: string; fallback: number }>;

const USAGE = `usage: npm start -- [--environment NAME] [--consumer NAME] [--connectivity MODE] [--graphql-port N] [--tls-port N] [--api-port N] [--cert-name [API=]NAME] [--quiet] [--config FILE]
  environment, consumer: env LOCAL_ENVIRONMENT / LOCAL_CONSUMER (default: the first environment, its first consumer);
    every API that consumer calls runs, each behind its own front, name and certificate
  connectivity: env LOCAL_CONNECTIVITY, ${LOCAL_CONNECTIVITY.join(' | ')} (default transit-gateway; privatelink runs the same NLB-shaped path;
    lattice: the resolvers SigV4-sign, a VPC Lattice stand-in per API verifies and adds the caller identity header)
  ports: env LOCAL_GRAPHQL_PORT / LOCAL_TLS_PORT / LOCAL_API_PORT (defaults 4000 / 8443 / 8080; the TLS and API ports are the first API's,
    the next APIs take the next ports; 0 = any free port; the TLS port is the Lattice stand-in's in lattice mode)
  cert-name: a name for an API's certificate instead of its domain (API = apis[].name; without it, the first API's), e.g. stock=wrong.example.com
  ${CONFIG_USAGE}`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const { values } = parseCommandLine(
    {
      args: [...argv],
      options: {
        'graphql-port': { type: 'string' },
        'tls-port': { type: 'string' },
        'api-port': { type: 'string' },
        environment: { type: 'string' },
        consumer: { type: 'string' },
        'cert-name': { type: 'string' },
        connectivity: { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...CONFIG_OPTION,
      },
    },
    USAGE,
  );
  // The option, else the environment variable, else the default.
  const port = (role: PortRole): number => {
    const { option, env: name, fallback } = PORTS[role];
    const [source, raw] = values[option] !== undefined ? [`--${option}`, values[option]] : [name, env[name]];
    if (raw === undefined || raw === '') return fallback;
    const value = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 0 && value <= 65_535)) throw new UsageError(`${source} must be a port number 0..65535, got "${raw}"`);
    return value;
  };
  const config = values.config === undefined ? undefined : loadConfig(values.config);
  const environment = values.environment ?? (env.LOCAL_ENVIRONMENT || undefined);
  const consumer = values.consumer ?? (env.LOCAL_CONSUMER || undefined);
  // `API=NAME`, or a bare NAME for the first API the consumer calls.
  let certificateNames: Record<string, string> | undefined;
  const rawCert = values['cert-name'];
  if (rawCert !== undefined) {
    const [, api, name] = /^(?:([a-z0-9-]+)=)?(.+)$/.exec(rawCert) ?? [];
    const first = (config ?? exampleConfig).environments.find((e) => environment === undefined || e.name === environment);
    const firstApi = first?.apis.find((a) => first.consumers.find((c) => consumer === undefined || c.name === consumer)?.calls.includes(a.name));
    const target = api ?? firstApi?.name;
    if (target === undefined || name === undefined) throw new UsageError(`--cert-name must be API=NAME or NAME, got "${rawCert}"`);
    certificateNames = { [target]: name };
  }
  const [connectivitySource, rawConnectivity] = values.connectivity !== undefined ? ['--connectivity', values.connectivity] : ['LOCAL_CONNECTIVITY', env.LOCAL_CONNECTIVITY];
  const connectivity = (rawConnectivity || 'transit-gateway') as LocalConnectivity;
  if (!LOCAL_CONNECTIVITY.includes(connectivity)) {
    throw new UsageError(`${connectivitySource} must be ${LOCAL_CONNECTIVITY.join(', ')}, got "${rawConnectivity}"`);
  }
  return {
    connectivity,
    graphqlPort: port('graphql'),
    tlsFrontPort: port('tls-front'),
    apiPort: port('api'),
    config,
    environment,
    consumer,
    certificateNames,
    quiet: values.quiet,
    help: values.help,
  };
}

/** Local time, `HH:MM:SS.mmm`. */
function timestamp(): string {
  const d = new Date();
  return `${d.toTimeString().slice(0, 8)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function banner(stack: LocalStack): string {
  const ca = relative(process.cwd(), stack.caFile) || stack.caFile;
  const lattice = stack.connectivity === 'lattice';
  const width = Math.max(...stack.apis.map((a) => a.name.length));
  const perApi = stack.apis.flatMap((a) => {
    const cert =
      a.certificateName === a.domain
        ? `certificate for ${a.certificateName}`
        : `certificate for ${a.certificateName} (does NOT match ${a.domain}: its queries will fail TLS verification)`;
    return [
      `  ${a.name.padEnd(width)}  ${a.domain} (lib/runtime/${a.runtime}; fields ${a.fields.join(', ')})`,
      `  ${''.padEnd(width)}    ${lattice ? 'Lattice  ' : 'TLS front'} ${stack.host}:${a.frontPort}, ${cert}`,
      `  ${''.padEnd(width)}    service   ${a.apiUrl} (pid ${a.pid}), ${lattice ? 'CALLER_IDENTITY_SOURCE=lattice' : 'caller identity via the STS stand-in'}`,
      `  ${''.padEnd(width)}    resolver  API_BASE_URL=${a.baseUrl} API_CONNECT_PORT=${a.frontPort}${lattice ? ' API_SIGNING=lattice' : ` API_AUDIENCE=${a.name}`}`,
    ];
  });
  const tries = stack.apis.flatMap((a) => (a.sample ? [`  # ${a.name}`, `  ${a.sample.curl}`] : [`  # ${a.name}: no sample query; its fields: ${a.fields.join(', ')}`]));
  const refused = stack.apis.map((a) => `  ${a.curlFrontCommand}`);
  return [
    '',
    lattice
      ? 'Local stack is up (no AWS): GraphQL -> each API\'s resolver (real Lambda handler, SigV4) -> its Lattice stand-in -> its service'
      : 'Local stack is up (no AWS): GraphQL -> each API\'s resolver (real Lambda handler) -> its TLS front (NLB stand-in) -> its service',
    `  GraphQL  ${stack.graphqlUrl}   (consumer "${stack.consumer}" of ${stack.environment}: the merged schema of ${stack.apis.map((a) => a.name).join(', ')})`,
    `  CA       ${ca}; every service serves the consumer's local resolver role only (consumer "${stack.consumer}")${lattice ? ', read from Lattice\'s identity header' : ''}`,
    ...perApi,
    '',
    'Try:',
    ...tries,
    lattice
      ? 'or straight to an API\'s Lattice stand-in, unsigned (403 AccessDeniedException, as Lattice refuses a request its auth policy does not allow):'
      : 'or straight through an API\'s TLS front, with no caller token (401 UNAUTHENTICATED, as any workload without the resolver\'s role gets):',
    ...refused,
    '',
    'One line per hop per request below, each hop labelled with its API (rid = first 8 characters of the request id). Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs> | undefined;
  process.exitCode = runScript(STDIO, () => {
    options = parseArgs(process.argv.slice(2));
  });
  if (options?.help) console.log(USAGE);
  if (!options || options.help) return;

  const log = options.quiet ? () => undefined : (line: string) => console.log(`${timestamp()} ${line}`);
  const stack = await startLocalStack({ ...options, log }).catch((err: Error) => {
    const port = err instanceof PortUnavailableError ? PORTS[err.role] : undefined;
    const hint = port ? `.\n       Use --${port.option} N or ${port.env}=N (0 = any free port).` : '';
    console.error(`error: ${port ? '' : 'could not start the local stack: '}${err.message}${hint}`);
    process.exitCode = 1;
  });
  if (!stack) return;
  console.log(banner(stack));

  const signals = ['SIGINT', 'SIGTERM'] as const;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`${timestamp()} stack       ${signal}: stopping`);
    // Safety net only: everything is closed below, so the process normally exits on its own.
    setTimeout(() => (console.error('still running 5 s after stop; forcing exit'), process.exit(1)), 5_000).unref();
    stack.stop().then(
      () => {
        const s = stack.stats();
        console.log(
          `${timestamp()} stack       stopped: ${s.graphqlRequests} GraphQL requests, ${s.resolverInvocations} resolver ` +
            `invocations, ${s.tlsHandshakes} TLS handshakes, ${s.apiRequests} API service requests; ` +
            `ports ${[stack.graphqlPort, ...stack.apis.flatMap((a) => [a.frontPort, a.apiPort])].join(', ')} released`,
        );
        for (const sig of signals) process.off(sig, onSignal);
      },
      (err: Error) => (console.error(`error while stopping: ${err.message}`), process.exit(1)),
    );
  };
  for (const sig of signals) process.on(sig, onSignal);
}

if (require.main === module) void main();
