/**
 * `npm start`: the whole data path on this machine, no AWS (see ./stack.ts):
 *
 *   GraphQL :4000 -> real Lambda handler -> TLS front :8443 (NLB stand-in) -> api-service :8080
 *   --connectivity lattice: ... -> real Lambda handler (SigV4) -> Lattice stand-in :8443 -> api-service :8080
 *
 * Options: USAGE below (`npm start -- --help`); `--cert-name NAME` puts another name in the TLS
 * front's certificate, to see host name verification fail; `--quiet`: no per-request hop lines.
 * Stops cleanly on Ctrl-C / SIGTERM (exit 0): servers closed, the resolver's agent destroyed,
 * ports released.
 */
import { relative } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { DEFAULT_API_NAME, LOCAL_CONNECTIVITY, LocalConnectivity, LocalStack, PortRole, PortUnavailableError, startLocalStack } from './stack';

/** Each server's port: its option, environment variable and default. */
const PORTS = {
  graphql: { option: 'graphql-port', env: 'LOCAL_GRAPHQL_PORT', fallback: 4000 },
  'tls-front': { option: 'tls-port', env: 'LOCAL_TLS_PORT', fallback: 8443 },
  api: { option: 'api-port', env: 'LOCAL_API_PORT', fallback: 8080 },
} as const satisfies Record<PortRole, { option: string; env: string; fallback: number }>;

const USAGE = `usage: npm start -- [--connectivity MODE] [--graphql-port N] [--tls-port N] [--api-port N] [--api-name NAME] [--cert-name NAME] [--quiet] [--config FILE]
  connectivity: env LOCAL_CONNECTIVITY, ${LOCAL_CONNECTIVITY.join(' | ')} (default transit-gateway; privatelink runs the same NLB-shaped path;
    lattice: the resolver SigV4-signs, a VPC Lattice stand-in verifies and adds the caller identity header)
  ports: env LOCAL_GRAPHQL_PORT / LOCAL_TLS_PORT / LOCAL_API_PORT (defaults 4000 / 8443 / 8080; 0 = any free port; the TLS port is the Lattice stand-in's in lattice mode)
  API name: env LOCAL_API_NAME (default: the first environment's apiDomain, ${DEFAULT_API_NAME} in the example)
  ${CONFIG_USAGE}`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const { values } = parseCommandLine(
    {
      args: [...argv],
      options: {
        'graphql-port': { type: 'string' },
        'tls-port': { type: 'string' },
        'api-port': { type: 'string' },
        'api-name': { type: 'string' },
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
  // The API name the certificate and the resolver use: --api-name, LOCAL_API_NAME, or the first
  // environment's apiDomain of --config (default: the example's).
  const apiName = values['api-name'] ?? (env.LOCAL_API_NAME || (values.config === undefined ? DEFAULT_API_NAME : loadConfig(values.config).environments[0].apis[0].domain));
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
    apiName,
    certificateName: values['cert-name'],
    quiet: values.quiet,
    help: values.help,
  };
}

/** Local time, `HH:MM:SS.mmm`. */
function timestamp(): string {
  const d = new Date();
  return `${d.toTimeString().slice(0, 8)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function banner(stack: LocalStack): string {
  const ca = relative(process.cwd(), stack.caFile) || stack.caFile;
  const certNote =
    stack.certificateName === stack.apiName
      ? `certificate for ${stack.certificateName}`
      : `certificate for ${stack.certificateName} (does NOT match ${stack.apiName}: queries will fail TLS verification)`;
  const lattice = stack.connectivity === 'lattice';
  return [
    '',
    lattice
      ? 'Local stack is up (no AWS): GraphQL -> resolver (real Lambda handler, SigV4) -> Lattice stand-in -> api-service'
      : 'Local stack is up (no AWS): GraphQL -> resolver (real Lambda handler) -> TLS front (NLB stand-in) -> api-service',
    `  GraphQL      ${stack.graphqlUrl}   (schema lib/runtime/graphql-resolver/schema.graphql)`,
    lattice
      ? `  Lattice      ${stack.host}:${stack.tlsFrontPort}, ${certNote}, CA ${ca}; verifies SigV4 (vpc-lattice-svcs), adds x-amzn-lattice-identity`
      : `  TLS front    ${stack.host}:${stack.tlsFrontPort}, ${certNote}, CA ${ca}`,
    lattice
      ? `  api-service  ${stack.apiUrl}, CALLER_IDENTITY_SOURCE=lattice: it serves the local resolver's role (consumer "${stack.consumer}"), read from Lattice's identity header`
      : `  api-service  ${stack.apiUrl}, caller identity on: it serves the local resolver's role (consumer "${stack.consumer}"), verified by an STS stand-in`,
    `  resolver env API_BASE_URL=${stack.apiBaseUrl} API_CONNECT_HOST=${stack.host} API_CONNECT_PORT=${stack.tlsFrontPort} API_CA_FILE=${ca}${lattice ? ' API_SIGNING=lattice' : ''}`,
    '',
    'Try:',
    `  ${stack.curlCommand}`,
    lattice
      ? 'or straight to the Lattice stand-in, unsigned (403 AccessDeniedException, as Lattice refuses a request its auth policy does not allow):'
      : 'or straight through the TLS front, with no caller token (401 UNAUTHENTICATED, as any workload without the resolver\'s role gets):',
    `  ${stack.curlTlsFrontCommand}`,
    '',
    'One line per hop per request below (rid = first 8 characters of the request id). Ctrl-C to stop.',
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
            `invocations, ${s.tlsHandshakes} TLS handshakes, ${s.apiRequests} api-service requests; ` +
            `ports ${stack.graphqlPort}, ${stack.tlsFrontPort}, ${stack.apiPort} released`,
        );
        for (const sig of signals) process.off(sig, onSignal);
      },
      (err: Error) => (console.error(`error while stopping: ${err.message}`), process.exit(1)),
    );
  };
  for (const sig of signals) process.on(sig, onSignal);
}

if (require.main === module) void main();
