/**
 * The billable resources of one environment derived from its configuration, without a synth: the
 * same counts {@link countEnvironment} reads from the templates, for the fields the model prices,
 * from the matrix (APIs, consumers, the pairs of `calls`), the AZs, the APIs' service sizes and a
 * table of what each unit of the stacks holds ({@link UNITS}). It lets `npm run docs` regenerate
 * the 20 x 50 comparison of docs/cost.md in milliseconds where three synths of that size take
 * minutes and gigabytes. test/tools/cost/config-model.test.ts synthesizes small configurations in
 * every mode that synthesizes and fails when these counts and the templates' differ, so the table
 * cannot drift from the stacks.
 */
import { connectivityOf } from '../../lib/config/connectivity';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { EnvironmentCounts, FargateService, ResolverFunction } from './count';
import { Mode } from './price';

/** What a count adds per unit of the configuration; every field 0 unless given. */
interface Unit {
  readonly vpcs?: number;
  readonly nlbs?: number;
  /** Interface endpoints to AWS services other than STS. */
  readonly serviceEndpoints?: number;
  readonly stsEndpoints?: number;
  readonly privateLinkEndpoints?: number;
  readonly gatewayEndpoints?: number;
  readonly transitGateways?: number;
  readonly tgwAttachments?: number;
  readonly hostedZones?: number;
  readonly privateHostedZones?: number;
  readonly latticeServiceNetworks?: number;
  readonly latticeServices?: number;
  readonly latticeVpcAssociations?: number;
  readonly appSyncApis?: number;
  readonly resolverFunctions?: number;
  readonly kmsKeys?: number;
  readonly flowLogsToCloudWatch?: number;
  readonly alarms?: number;
  readonly customMetrics?: number;
  readonly advancedSsmParameters?: number;
}

/**
 * Per environment, per API (its network, DNS and service stacks), per consumer (network and
 * app stacks) and per (consumer, API) pair, in each mode: read off the synthesized stacks (the
 * alarms, metric filters, keys and advanced parameters each construct creates). Lattice's row
 * was read off the lattice stacks before they reached this branch; the drift test covers it as
 * soon as the configuration accepts the mode.
 */
export const UNITS: Record<Mode, { environment: Unit; api: Unit; consumer: Unit; pair: Unit }> = {
  'transit-gateway': {
    // The gateway and its id shared to the environment's accounts.
    environment: { transitGateways: 1, advancedSsmParameters: 1 },
    api: { vpcs: 1, nlbs: 1, serviceEndpoints: 3, stsEndpoints: 1, gatewayEndpoints: 1, tgwAttachments: 1, hostedZones: 1, kmsKeys: 3, flowLogsToCloudWatch: 1, alarms: 5, customMetrics: 3, advancedSsmParameters: 4 },
    consumer: { vpcs: 1, tgwAttachments: 1, appSyncApis: 1, kmsKeys: 2, flowLogsToCloudWatch: 1, alarms: 2, advancedSsmParameters: 1 },
    pair: { resolverFunctions: 1, alarms: 4, customMetrics: 2 },
  },
  privatelink: {
    environment: {},
    api: { vpcs: 1, nlbs: 1, serviceEndpoints: 3, stsEndpoints: 1, gatewayEndpoints: 1, hostedZones: 1, kmsKeys: 3, flowLogsToCloudWatch: 1, alarms: 5, customMetrics: 3, advancedSsmParameters: 4 },
    consumer: { vpcs: 1, appSyncApis: 1, kmsKeys: 2, flowLogsToCloudWatch: 1, alarms: 2 },
    pair: { privateLinkEndpoints: 1, resolverFunctions: 1, alarms: 4, customMetrics: 2 },
  },
  lattice: {
    environment: { latticeServiceNetworks: 1, advancedSsmParameters: 1 },
    // No NLB alarms (one on the running tasks instead); the service's Lattice ids are published, not the network's.
    api: { vpcs: 1, latticeServices: 1, serviceEndpoints: 3, gatewayEndpoints: 1, hostedZones: 1, kmsKeys: 3, flowLogsToCloudWatch: 1, alarms: 3, customMetrics: 3, advancedSsmParameters: 6 },
    consumer: { vpcs: 1, latticeVpcAssociations: 1, appSyncApis: 1, kmsKeys: 2, flowLogsToCloudWatch: 1, alarms: 2 },
    pair: { privateHostedZones: 1, hostedZones: 1, resolverFunctions: 1, alarms: 4, customMetrics: 2 },
  },
};

/** The resolver function of a pair (lib/constructs/isolated-vpc-function.ts's default memory, arm64). */
const RESOLVER = { memoryMB: 256, architecture: 'arm64' } as const;

/** The fields of {@link EnvironmentCounts} the model prices: what the drift test compares. */
export const PRICED_FIELDS = [
  'vpcs', 'nlbs', 'nlbTlsListeners', 'interfaceEndpoints', 'interfaceEndpointAzs', 'stsEndpoints', 'stsEndpointAzs',
  'privateLinkEndpoints', 'privateLinkEndpointAzs', 'gatewayEndpoints', 'transitGateways', 'tgwAttachments',
  'latticeServiceNetworks', 'latticeServices', 'latticeVpcAssociations', 'fargateServices', 'fargate',
  'hostedZones', 'privateHostedZones', 'appSyncApis', 'resolverFunctions', 'kmsKeys', 'pipelines', 'codeBuildProjects',
  'flowLogsToCloudWatch', 'alarms', 'alarmMetrics', 'customMetrics', 'advancedSsmParameters', 'shape',
] as const satisfies readonly (keyof EnvironmentCounts)[];

/**
 * The counts of environment `env` of `config` deployed in `mode` (default: its own), as
 * {@link countEnvironment} would read them from its templates. Stack names, accounts and the
 * unpriced tallies (Lambda functions, log groups) are left empty: they are not priced.
 */
export function countFromConfig(config: AppConfig, env: EnvironmentConfig, mode: Mode = connectivityOf(env)): EnvironmentCounts {
  const units = UNITS[mode];
  const azs = config.availabilityZones.length;
  const pairs = env.consumers.reduce((n, c) => n + c.calls.length, 0);
  const sum = (field: keyof Unit) =>
    (units.environment[field] ?? 0) + env.apis.length * (units.api[field] ?? 0) + env.consumers.length * (units.consumer[field] ?? 0) + pairs * (units.pair[field] ?? 0);
  // An imported gateway is neither created nor shared by this environment.
  const importsGateway = mode === 'transit-gateway' && env.transitGateway?.mode === 'import';
  const stage = stageIdFor(env);

  const fargateServices: FargateService[] = env.apis.map((api) => ({
    stackName: `${stage}-ApiService-${api.name}`,
    logicalId: 'Service',
    desiredCount: api.service.desiredCount,
    minCapacity: api.service.minCapacity,
    maxCapacity: api.service.maxCapacity,
    vcpu: api.service.cpu / 1024,
    memoryGB: api.service.memoryMiB / 1024,
    architecture: api.service.architecture,
  }));
  const fargate = { ARM64: { tasks: 0, vcpu: 0, memoryGB: 0 }, X86_64: { tasks: 0, vcpu: 0, memoryGB: 0 } };
  for (const s of fargateServices) {
    fargate[s.architecture].tasks += s.desiredCount;
    fargate[s.architecture].vcpu += s.desiredCount * s.vcpu;
    fargate[s.architecture].memoryGB += s.desiredCount * s.memoryGB;
  }
  const resolverFunctions: ResolverFunction[] = env.consumers.flatMap((c) => c.calls.map((api) => ({ stackName: `${stage}-ConsumerApp-${c.name}`, logicalId: api, ...RESOLVER })));
  const serviceEndpoints = sum('serviceEndpoints');
  const stsEndpoints = sum('stsEndpoints');
  const alarms = sum('alarms');

  return {
    environment: stage,
    regions: [config.region],
    accounts: [],
    stacks: [],
    vpcs: sum('vpcs'),
    nlbs: sum('nlbs'),
    nlbTlsListeners: sum('nlbs'),
    albs: 0,
    interfaceEndpoints: serviceEndpoints + stsEndpoints,
    interfaceEndpointAzs: (serviceEndpoints + stsEndpoints) * azs,
    privateLinkEndpoints: sum('privateLinkEndpoints'),
    privateLinkEndpointAzs: sum('privateLinkEndpoints') * azs,
    gatewayEndpoints: sum('gatewayEndpoints'),
    stsEndpoints,
    stsEndpointAzs: stsEndpoints * azs,
    transitGateways: importsGateway ? 0 : sum('transitGateways'),
    tgwAttachments: sum('tgwAttachments'),
    fargateServices,
    fargate,
    hostedZones: sum('hostedZones'),
    privateHostedZones: sum('privateHostedZones'),
    latticeServiceNetworks: sum('latticeServiceNetworks'),
    latticeServices: sum('latticeServices'),
    latticeTlsPassthroughListeners: 0,
    latticeVpcAssociations: sum('latticeVpcAssociations'),
    appSyncApis: sum('appSyncApis'),
    lambdaFunctions: 0,
    resolverFunctions,
    kmsKeys: sum('kmsKeys'),
    pipelines: [],
    codeBuildProjects: {},
    logGroups: 0,
    flowLogsToCloudWatch: sum('flowLogsToCloudWatch'),
    alarms,
    alarmMetrics: alarms,
    customMetrics: sum('customMetrics'),
    advancedSsmParameters: sum('advancedSsmParameters') - (importsGateway ? units.environment.advancedSsmParameters ?? 0 : 0),
    shape: { consumers: env.consumers.length, azs },
    warnings: [],
  };
}
