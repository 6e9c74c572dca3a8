import { Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { connectivityOf, createsTransitGateway } from '../config/connectivity';
import { AppConfig, EnvironmentConfig } from '../config/types';
import { ApiDnsStack } from '../stacks/api-dns-stack';
import { ApiServiceStack } from '../stacks/api-service-stack';
import { ConsumerAppStack } from '../stacks/consumer-app-stack';
import { DelegationRoleStack } from '../stacks/delegation-role-stack';
import { NetworkStack } from '../stacks/network-stack';
import { TransitHubStack } from '../stacks/transit-hub-stack';
import { TransitRoutingStack } from '../stacks/transit-routing-stack';

/** Properties of {@link EnvironmentStage}. */
export interface EnvironmentStageProps extends Omit<StageProps, 'env'> {
  /** The whole (validated) configuration. */
  readonly config: AppConfig;
  /** The environment this stage deploys. */
  readonly environment: EnvironmentConfig;
}

/** `dev` -> `Dev`: the Stage id, and so the prefix of every stack name (`Dev-ApiNetwork`). */
export function stageIdFor(environment: EnvironmentConfig): string {
  return environment.name.charAt(0).toUpperCase() + environment.name.slice(1);
}

/**
 * Every stack of one environment, across its accounts, with the deploy order as stack
 * dependencies. The same class serves `cdk deploy` and the pipeline.
 */
export class EnvironmentStage extends Stage {
  /** The environment this stage deploys. */
  public readonly environment: EnvironmentConfig;
  /** The environment's transit gateway stack, absent in `import` mode. */
  public readonly transitHub?: TransitHubStack;
  /** The gateway's route tables that keep consumers apart, absent in `import` mode. */
  public readonly transitRouting?: TransitRoutingStack;
  /** The dns account's delegation role for this environment. */
  public readonly delegationRole: DelegationRoleStack;
  /** The API's subzone and certificate. */
  public readonly apiDns: ApiDnsStack;
  /** The API service behind its internal NLB. */
  public readonly apiService: ApiServiceStack;
  /** The API account's VPC. */
  public readonly apiNetwork: NetworkStack;
  /** One VPC per consumer account, by consumer name. */
  public readonly consumerNetworks: ReadonlyMap<string, NetworkStack>;
  /** One GraphQL app per consumer account, by consumer name. */
  public readonly consumerApps: ReadonlyMap<string, ConsumerAppStack>;

  constructor(scope: Construct, id: string, props: EnvironmentStageProps) {
    super(scope, id, { ...props, env: { region: props.config.region } });
    const { config, environment } = props;
    this.environment = environment;
    const common = { config, environment };
    const privateLink = connectivityOf(environment) === 'privatelink';

    if (createsTransitGateway(environment)) {
      this.transitHub = new TransitHubStack(this, 'TransitHub', {
        ...common,
        account: config.accounts.network,
        description: `${environment.name}: transit gateway shared with the environment's accounts`,
      });
    }

    this.apiNetwork = new NetworkStack(this, 'ApiNetwork', {
      ...common,
      account: environment.apiAccount,
      description: `${environment.name}: isolated API VPC ${privateLink ? 'serving its consumers through PrivateLink' : 'attached to the transit gateway'}`,
      vpc: { kind: 'api' },
      cidr: environment.apiCidr,
      peerCidrs: privateLink ? [] : environment.consumers.map((c) => c.cidr),
      // Fargate pulls images and ships logs with no route to the internet.
      interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'],
      ecrLayerS3Endpoint: true,
    });

    const consumerNetworks = new Map<string, NetworkStack>();
    for (const consumer of environment.consumers) {
      consumerNetworks.set(
        consumer.name,
        new NetworkStack(this, `ConsumerNetwork-${consumer.name}`, {
          ...common,
          account: consumer.account,
          description: `${environment.name}: isolated VPC of consumer ${consumer.name}`,
          vpc: { kind: 'consumer', name: consumer.name },
          cidr: consumer.cidr,
          // A consumer VPC routes to the API only; the gateway's route tables (TransitRouting)
          // enforce the same whatever a consumer admin adds here. PrivateLink routes nothing.
          peerCidrs: privateLink ? [] : [environment.apiCidr],
        }),
      );
    }
    this.consumerNetworks = consumerNetworks;

    this.delegationRole = new DelegationRoleStack(this, 'DelegationRole', {
      ...common,
      account: config.accounts.dns,
      description: `${environment.name}: role letting the api account delegate ${environment.apiDomain}`,
    });
    // Independent of the networks: DNS and the certificate can settle while VPCs deploy.
    this.apiDns = new ApiDnsStack(this, 'ApiDns', {
      ...common,
      account: environment.apiAccount,
      description: `${environment.name}: ${environment.apiDomain} zone, delegation and certificate`,
    });
    this.apiDns.addStackDependency(this.delegationRole);

    if (this.transitHub) {
      for (const network of [this.apiNetwork, ...consumerNetworks.values()]) network.addStackDependency(this.transitHub);
      // After every attachment exists (it reads their ids), in the gateway's own account.
      this.transitRouting = new TransitRoutingStack(this, 'TransitRouting', {
        ...common,
        account: config.accounts.network,
        description: `${environment.name}: transit gateway route tables, consumers see only the API`,
        transitGatewayId: this.transitHub.transitGateway.ref,
      });
      for (const network of [this.apiNetwork, ...consumerNetworks.values()]) this.transitRouting.addStackDependency(network);
    }

    this.apiService = new ApiServiceStack(this, 'ApiService', {
      ...common,
      account: environment.apiAccount,
      description: `${environment.name}: internal API on Fargate behind a TLS-only internal NLB`,
      network: this.apiNetwork.network,
      subdomain: this.apiDns.subdomain,
      upstreamStacks: ([this.transitHub, this.transitRouting, this.apiNetwork, this.apiDns] as (Stack | undefined)[]).filter((s): s is Stack => s !== undefined),
    });

    const consumerApps = new Map<string, ConsumerAppStack>();
    for (const consumer of environment.consumers) {
      const app = new ConsumerAppStack(this, `ConsumerApp-${consumer.name}`, {
        ...common,
        account: consumer.account,
        description: `${environment.name}: GraphQL API of consumer ${consumer.name}, served from the internal API`,
        consumer,
        network: consumerNetworks.get(consumer.name)!.network,
        apiRevision: this.apiService.revision,
      });
      // Its deploy-time health check calls the API: the service and the route to it must be up first.
      app.addStackDependency(this.apiService);
      if (this.transitRouting) app.addStackDependency(this.transitRouting);
      consumerApps.set(consumer.name, app);
    }
    this.consumerApps = consumerApps;
  }
}
