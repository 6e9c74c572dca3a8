import { partitionOf } from './names';
import { apiNamed, callersOf } from './matrix';
import { AccountId, AppConfig, Connectivity, EnvironmentConfig } from './types';

/**
 * The cross-account parameter contract, defined once: every value that exists only after a
 * deploy in one account and is needed by a stack in another. Each travels as an advanced-tier
 * SSM parameter shared through AWS RAM with exactly its readers, and is read with
 * `StringParameter.fromStringParameterArn`. Values known from config (account ids, CIDRs,
 * domain names, role names) are computed instead and never appear here.
 */
export type SharedParameterKey =
  | 'transit-gateway-id'
  | 'api-endpoint'
  | 'api-certificate-arn'
  | 'transit-attachment-id'
  | 'api-revision'
  | 'endpoint-service-name'
  | 'service-network-arn'
  | 'lattice-service-arn'
  | 'lattice-service-dns-name'
  | 'lattice-service-hosted-zone-id';

/** One VPC of an environment, for values that exist once per VPC (or per API): an API's, or a consumer's. */
export type EnvironmentVpc = { readonly kind: 'api'; readonly name: string } | { readonly kind: 'consumer'; readonly name: string };

/** Every VPC of the environment: the APIs' first, then the consumers', each in config order. */
export function environmentVpcs(env: EnvironmentConfig): EnvironmentVpc[] {
  return [
    ...env.apis.map((a): EnvironmentVpc => ({ kind: 'api', name: a.name })),
    ...env.consumers.map((c): EnvironmentVpc => ({ kind: 'consumer', name: c.name })),
  ];
}

/** The account that owns a VPC of the environment. */
export function vpcAccount(env: EnvironmentConfig, vpc: EnvironmentVpc): AccountId {
  if (vpc.kind === 'api') return apiNamed(env, vpc.name).account;
  const consumer = env.consumers.find((c) => c.name === vpc.name);
  if (!consumer) throw new Error(`environment "${env.name}" has no consumer "${vpc.name}"`);
  return consumer.account;
}

/** One entry of the contract. */
export interface SharedParameterSpec {
  /** Last segment of the parameter name. */
  readonly key: SharedParameterKey;
  /** What the value is, written into the parameter's description. */
  readonly description: string;
  /**
   * One parameter per VPC of the environment (named `.../<key>/<vpc>`), written by the VPC's
   * account: `'any'` for every VPC, `'api'` for the APIs' only (a value of each API).
   * @default - one parameter per environment
   */
  readonly perVpc?: 'any' | 'api';
  /**
   * The connectivity mode the value exists in (a gateway id means nothing in privatelink mode).
   * @default - every mode
   */
  readonly connectivity?: Connectivity;
  /** The account whose stack writes the value (for a per-VPC value: the VPC's account). */
  owner(config: AppConfig, env: EnvironmentConfig, vpc?: EnvironmentVpc): AccountId;
  /** The accounts whose stacks read it (the RAM share's principals). */
  readers(config: AppConfig, env: EnvironmentConfig, vpc?: EnvironmentVpc): AccountId[];
}

/**
 * The accounts of the consumers that may call the API whose VPC this is: an API's values are
 * shared with its callers only, so a consumer cannot even read the endpoint of an API the matrix
 * does not give it.
 */
const callerAccounts = (env: EnvironmentConfig, vpc: EnvironmentVpc | undefined) =>
  callersOf(env, apiNamed(env, requireApi('of an API', vpc).name)).map((c) => c.account);
/** Owner of a per-API value: the API's account. */
const apiOwner = (_config: AppConfig, env: EnvironmentConfig, vpc?: EnvironmentVpc) => vpcAccount(env, requireApi('of an API', vpc));

export const SHARED_PARAMETERS: Readonly<Record<SharedParameterKey, SharedParameterSpec>> = {
  'transit-gateway-id': {
    key: 'transit-gateway-id',
    description: 'Id of the environment\'s transit gateway, written by TransitHub in the network account.',
    connectivity: 'transit-gateway',
    owner: (config) => config.accounts.network,
    readers: (_config, env) => [...env.apis.map((a) => a.account), ...env.consumers.map((c) => c.account)],
  },
  'api-endpoint': {
    key: 'api-endpoint',
    description: 'HTTPS base URL of the internal API, written by ApiService once the service and its alias exist.',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'api-revision': {
    key: 'api-revision',
    description:
      'Fingerprint of the templates of the API side (transit hub and routing, API network, DNS, service), written by ApiService: a new value re-runs the consumers\' deploy-time health check.',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'api-certificate-arn': {
    key: 'api-certificate-arn',
    description: 'ARN of the certificate on the API listener: a new certificate re-runs the consumers\' deploy-time health check.',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'transit-attachment-id': {
    key: 'transit-attachment-id',
    description: 'Id of this VPC\'s transit gateway attachment, written by its network stack: the network account associates it with the gateway route table of its side.',
    perVpc: 'any',
    connectivity: 'transit-gateway',
    owner: (_config, env, vpc) => vpcAccount(env, requireVpc('transit-attachment-id', vpc)),
    readers: (config) => [config.accounts.network],
  },
  'endpoint-service-name': {
    key: 'endpoint-service-name',
    description: 'Name of the VPC endpoint service on the API\'s load balancer (com.amazonaws.vpce...), written by ApiService: each consumer VPC\'s interface endpoint connects to it.',
    connectivity: 'privatelink',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'service-network-arn': {
    key: 'service-network-arn',
    description: 'ARN of the environment\'s VPC Lattice service network, written by LatticeHub in the network account: each API associates its service with it, each consumer its VPC.',
    connectivity: 'lattice',
    owner: (config) => config.accounts.network,
    readers: (_config, env) => [...env.apis.map((a) => a.account), ...env.consumers.map((c) => c.account)],
  },
  'lattice-service-arn': {
    key: 'lattice-service-arn',
    description: 'ARN of the API\'s VPC Lattice service, written by ApiService: its callers\' roles are granted vpc-lattice-svcs:Invoke on it.',
    connectivity: 'lattice',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'lattice-service-dns-name': {
    key: 'lattice-service-dns-name',
    description: 'The DNS name VPC Lattice generated for the API\'s service, written by ApiService: each caller\'s private zone for the API\'s own name aliases it.',
    connectivity: 'lattice',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
  'lattice-service-hosted-zone-id': {
    key: 'lattice-service-hosted-zone-id',
    description: 'The hosted zone id of the DNS name VPC Lattice generated for the API\'s service (the alias target\'s zone), written by ApiService.',
    connectivity: 'lattice',
    perVpc: 'api',
    owner: apiOwner,
    readers: (_config, env, vpc) => callerAccounts(env, vpc),
  },
};

function requireVpc(key: string, vpc: EnvironmentVpc | undefined): EnvironmentVpc {
  if (!vpc) throw new Error(`shared parameter "${key}" exists once per VPC: name the VPC`);
  return vpc;
}

function requireApi(key: string, vpc: EnvironmentVpc | undefined): EnvironmentVpc {
  if (!vpc || vpc.kind !== 'api') throw new Error(`a shared parameter ${key} exists once per API: give its vpc as { kind: 'api', name }`);
  return vpc!;
}

/**
 * `/internal-api/dev/transit-gateway-id`; per VPC: `/internal-api/dev/transit-attachment-id/api-catalogue`,
 * `.../transit-attachment-id/consumer-storefront`; per API: `/internal-api/dev/api-endpoint/api-catalogue`.
 */
export function sharedParameterName(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey, vpc?: EnvironmentVpc): string {
  const base = `/${config.projectName}/${env.name}/${key}`;
  if (!SHARED_PARAMETERS[key].perVpc) return base;
  const v = requireVpc(key, vpc);
  return `${base}/${v.kind}-${v.name}`;
}

/** The parameter's ARN in its owner account, computable by any reader at synth time. */
export function sharedParameterArn(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey, vpc?: EnvironmentVpc): string {
  const owner = SHARED_PARAMETERS[key].owner(config, env, vpc);
  return `arn:${partitionOf(config)}:ssm:${config.region}:${owner}:parameter${sharedParameterName(config, env, key, vpc)}`;
}

/** Readers other than the owner: an account never shares with itself (single-account sandboxes). */
export function sharedParameterPrincipals(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey, vpc?: EnvironmentVpc): AccountId[] {
  const spec = SHARED_PARAMETERS[key];
  const owner = spec.owner(config, env, vpc);
  return [...new Set(spec.readers(config, env, vpc))].filter((a) => a !== owner);
}
