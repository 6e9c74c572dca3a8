import { AccountId, AppConfig, EnvironmentConfig } from './types';

/**
 * The cross-account parameter contract, defined once: every value that exists only after a
 * deploy in one account and is needed by a stack in another. Each travels as an advanced-tier
 * SSM parameter shared through AWS RAM with exactly its readers, and is read with
 * `StringParameter.fromStringParameterArn`. Values known from config (account ids, CIDRs,
 * domain names, role names) are computed instead and never appear here.
 */
export type SharedParameterKey = 'transit-gateway-id' | 'api-endpoint' | 'api-certificate-arn';

/** One entry of the contract. */
export interface SharedParameterSpec {
  /** Last segment of the parameter name. */
  readonly key: SharedParameterKey;
  /** What the value is, written into the parameter's description. */
  readonly description: string;
  /** The account whose stack writes the value. */
  owner(config: AppConfig, env: EnvironmentConfig): AccountId;
  /** The accounts whose stacks read it (the RAM share's principals). */
  readers(config: AppConfig, env: EnvironmentConfig): AccountId[];
}

const consumerAccounts = (env: EnvironmentConfig) => env.consumers.map((c) => c.account);

export const SHARED_PARAMETERS: Readonly<Record<SharedParameterKey, SharedParameterSpec>> = {
  'transit-gateway-id': {
    key: 'transit-gateway-id',
    description: 'Id of the environment\'s transit gateway, written by TransitHub in the network account.',
    owner: (config) => config.accounts.network,
    readers: (_config, env) => [env.apiAccount, ...consumerAccounts(env)],
  },
  'api-endpoint': {
    key: 'api-endpoint',
    description: 'HTTPS base URL of the internal API, written by ApiService once the service and its alias exist.',
    owner: (_config, env) => env.apiAccount,
    readers: (_config, env) => consumerAccounts(env),
  },
  'api-certificate-arn': {
    key: 'api-certificate-arn',
    description: 'ARN of the certificate on the API listener: a new certificate re-runs the consumers\' deploy-time health check.',
    owner: (_config, env) => env.apiAccount,
    readers: (_config, env) => consumerAccounts(env),
  },
};

/** `/internal-api/dev/transit-gateway-id`. */
export function sharedParameterName(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey): string {
  return `/${config.projectName}/${env.name}/${key}`;
}

/** The parameter's ARN in its owner account, computable by any reader at synth time. */
export function sharedParameterArn(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey): string {
  const owner = SHARED_PARAMETERS[key].owner(config, env);
  return `arn:aws:ssm:${config.region}:${owner}:parameter${sharedParameterName(config, env, key)}`;
}

/** Readers other than the owner: an account never shares with itself (single-account sandboxes). */
export function sharedParameterPrincipals(config: AppConfig, env: EnvironmentConfig, key: SharedParameterKey): AccountId[] {
  const spec = SHARED_PARAMETERS[key];
  const owner = spec.owner(config, env);
  return [...new Set(spec.readers(config, env))].filter((a) => a !== owner);
}
