import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { apiVpcInterfaceEndpoints } from '../config/api-network';
import { connectivityOf } from '../config/connectivity';
import { callersOf } from '../config/matrix';
import { ApiConfig, AppConfig, EnvironmentConfig } from '../config/types';
import { NetworkStack } from '../stacks/network-stack';
import { ApiDnsStack } from './api-dns-stack';
import { ApiServiceStack } from './api-service-stack';

/** Properties of {@link InternalApi}. */
export interface InternalApiProps {
  /** The whole (validated) configuration. */
  readonly config: AppConfig;
  /** The environment the API belongs to (its matrix names the API's callers). */
  readonly environment: EnvironmentConfig;
  /** The API: one `apis[]` entry. */
  readonly api: ApiConfig;
  /**
   * Stacks the API's network waits for and its revision covers (the transit hub).
   * @default - none
   */
  readonly upstreamStacks?: readonly Stack[];
  /** The dns account's delegation role stack of the environment: the subzone's delegation needs it first. */
  readonly delegationRole: Stack;
}

/**
 * One internal API, the unit an environment repeats for each `apis[]` entry: three stacks in the
 * API's account, `ApiNetwork-<name>` (its VPC and endpoints), `ApiDns-<name>` (its delegated
 * subzone and certificate) and `ApiService-<name>` (NLB, Fargate service from its runtime folder,
 * monitoring, published parameters). Adding an API is a configuration entry; everything here
 * takes only that entry, the environment's matrix and the configuration's shared plan.
 */
export class InternalApi {
  /** The API's VPC. */
  public readonly network: NetworkStack;
  /** The API's subzone and certificate. */
  public readonly dns: ApiDnsStack;
  /** The API's service behind its internal NLB. */
  public readonly service: ApiServiceStack;

  constructor(scope: Construct, props: InternalApiProps) {
    const { config, environment, api } = props;
    const common = { config, environment, account: api.account };
    const mode = connectivityOf(environment);
    const served = { 'transit-gateway': 'attached to the transit gateway', privatelink: 'serving its consumers through PrivateLink', lattice: 'serving its consumers through VPC Lattice' } as const;
    const upstream = props.upstreamStacks ?? [];

    this.network = new NetworkStack(scope, `ApiNetwork-${api.name}`, {
      ...common,
      description: `${environment.name}: isolated VPC of API ${api.name} ${served[mode]}`,
      vpc: { kind: 'api', name: api.name },
      cidr: api.cidr,
      // Routes back to its callers only (the gateway's route tables enforce the same).
      peerCidrs: mode === 'transit-gateway' ? callersOf(environment, api).map((c) => c.cidr) : [],
      // Fargate pulls images and ships logs with no route to the internet; the API verifies its
      // callers' identity tokens with STS (its regional name resolves to this endpoint).
      interfaceEndpoints: apiVpcInterfaceEndpoints(mode),
      ecrLayerS3Endpoint: true,
    });
    for (const stack of upstream) this.network.addStackDependency(stack);

    // Independent of the networks: DNS and the certificate can settle while VPCs deploy.
    this.dns = new ApiDnsStack(scope, `ApiDns-${api.name}`, {
      ...common,
      api,
      description: `${environment.name}: ${api.domain} zone, delegation and certificate`,
    });
    this.dns.addStackDependency(props.delegationRole);

    this.service = new ApiServiceStack(scope, `ApiService-${api.name}`, {
      ...common,
      api,
      description: `${environment.name}: internal API ${api.name} on Fargate ${connectivityOf(environment) === 'lattice' ? 'as a VPC Lattice service (HTTPS, IAM auth)' : 'behind a TLS-only internal NLB'}`,
      network: this.network.network,
      subdomain: this.dns.subdomain,
      upstreamStacks: [...upstream, this.network, this.dns],
    });
  }
}
