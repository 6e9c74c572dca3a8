import { createHash } from 'node:crypto';
import { ApiConfig, AppConfig, ConsumerConfig, EnvironmentConfig } from './types';
import { partitionOfRegion } from './regions';

/**
 * The ARN partition of the configured region, from aws-cdk-lib's region list (`aws` for every
 * region validation accepts today). ARNs built from config use it, never a literal `arn:aws:`.
 */
export function partitionOf(config: AppConfig): string {
  return partitionOfRegion(config.region) ?? 'aws';
}

/**
 * Names computed from config on both sides of an account boundary, so neither side has to
 * publish them: the dns account creates the role, the api account assumes it by ARN.
 */
export function delegationRoleName(config: AppConfig, env: EnvironmentConfig): string {
  return `${config.projectName}-${env.name}-dns-delegation`;
}

/** ARN of the environment's delegation role in the dns account. */
export function delegationRoleArn(config: AppConfig, env: EnvironmentConfig): string {
  return `arn:${partitionOf(config)}:iam::${config.accounts.dns}:role/${delegationRoleName(config, env)}`;
}

/**
 * Name of the role that runs an API's zone-delegation custom resource in its account. Fixed, so
 * the delegation role's trust can name exactly these principals (aws:PrincipalArn) instead of
 * whole accounts; one per API, since two APIs may share an account.
 */
export function delegationProviderRoleName(config: AppConfig, env: EnvironmentConfig, api: ApiConfig): string {
  return `${config.projectName}-${env.name}-${api.name}-dns`;
}

/** ARN of an API's zone-delegation provider role in its account. */
export function delegationProviderRoleArn(config: AppConfig, env: EnvironmentConfig, api: ApiConfig): string {
  return `arn:${partitionOf(config)}:iam::${api.account}:role/${delegationProviderRoleName(config, env, api)}`;
}

/** `internal-api-dev-catalogue`: prefix of an API's resource names (alarms, dashboard). */
export function apiResourcePrefix(config: AppConfig, env: EnvironmentConfig, api: ApiConfig): string {
  return `${config.projectName}-${env.name}-${api.name}`;
}

/** `internal-api-dev`: the name of an environment's VPC Lattice service network (lattice mode). */
export function latticeServiceNetworkName(config: AppConfig, env: EnvironmentConfig): string {
  return `${config.projectName}-${env.name}`;
}

/** The two functions of a consumer that call an API: its GraphQL resolver and its deploy-time health check. */
export type CallerKind = 'resolver' | 'check';

/** Both kinds: an API admits each of its callers' two roles. */
export const CALLER_KINDS: readonly CallerKind[] = ['resolver', 'check'];

/**
 * Name of the role a consumer's function for `api` runs as, computed on both sides: the consumer's
 * account names the role, the API's account recognises its callers by it. IAM allows 64
 * characters; a longer name keeps its first 55 and a hash of the whole, so it stays unique.
 */
export function callerRoleName(config: AppConfig, env: EnvironmentConfig, consumer: ConsumerConfig, api: ApiConfig, kind: CallerKind): string {
  const name = `${config.projectName}-${env.name}-${consumer.name}-${api.name}-${kind}`;
  if (name.length <= 64) return name;
  return `${name.slice(0, 55)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
