import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { connectivityOf, createsTransitGateway } from '../config/connectivity';
import { apisCalledBy } from '../config/matrix';
import { AppConfig, EnvironmentConfig } from '../config/types';
import { InternalApi } from '../internal-api/internal-api';
import { ConsumerAppStack } from '../stacks/consumer-app-stack';
import { DelegationRoleStack } from '../stacks/delegation-role-stack';
import { NetworkStack } from '../stacks/network-stack';
import { LatticeHubStack } from '../stacks/lattice-hub-stack';
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
 * dependencies: the transit hub (or the Lattice service network), one {@link InternalApi} per
 * `apis[]` entry, one network and one app per consumer, and the gateway's routing once every
 * attachment exists. The access matrix
 * (`consumers[].calls`) decides what each of them admits. The same class serves `cdk deploy`
 * and the pipeline.
 */
export class EnvironmentStage extends Stage {
  /** The environment this stage deploys. */
  public readonly environment: EnvironmentConfig;
  /** The environment's VPC Lattice service network stack, in lattice mode only. */
  public readonly latticeHub?: LatticeHubStack;
  /** The environment's transit gateway stack, absent in `import` mode. */
  public readonly transitHub?: TransitHubStack;
  /** The gateway's route tables that enforce the matrix, absent in `import` mode. */
  public readonly transitRouting?: TransitRoutingStack;
  /** The dns account's delegation role for this environment's API names. */
  public readonly delegationRole: DelegationRoleStack;
  /** Each internal API's stacks, by API name. */
  public readonly apis: ReadonlyMap<string, InternalApi>;
  /** One VPC per consumer account, by consumer name. */
  public readonly consumerNetworks: ReadonlyMap<string, NetworkStack>;
  /** One GraphQL app per consumer account, by consumer name. */
  public readonly consumerApps: ReadonlyMap<string, ConsumerAppStack>;

  constructor(scope: Construct, id: string, props: EnvironmentStageProps) {
    super(scope, id, { ...props, env: { region: props.config.region } });
    const { config, environment } = props;
    this.environment = environment;
    const common = { config, environment };
    // Only a transit gateway routes between the environment's VPCs.
    const routed = connectivityOf(environment) === 'transit-gateway';

    if (createsTransitGateway(environment)) {
      this.transitHub = new TransitHubStack(this, 'TransitHub', {
        ...common,
        account: config.accounts.network,
        description: `${environment.name}: transit gateway shared with the environment's accounts`,
      });
    }

    if (connectivityOf(environment) === 'lattice') {
      this.latticeHub = new LatticeHubStack(this, 'LatticeHub', {
        ...common,
        account: config.accounts.network,
        description: `${environment.name}: VPC Lattice service network shared with the environment's accounts`,
      });
    }
    const hub = this.transitHub ?? this.latticeHub;

    this.delegationRole = new DelegationRoleStack(this, 'DelegationRole', {
      ...common,
      account: config.accounts.dns,
      // A count, not the names: a description holds 1,024 bytes, and an environment may hold many APIs.
      description: `${environment.name}: role letting the accounts of the environment's ${environment.apis.length} API(s) delegate their names`,
    });

    const apis = new Map<string, InternalApi>();
    for (const api of environment.apis) {
      apis.set(api.name, new InternalApi(this, { ...common, api, delegationRole: this.delegationRole, upstreamStacks: hub ? [hub] : [] }));
    }
    this.apis = apis;

    const consumerNetworks = new Map<string, NetworkStack>();
    for (const consumer of environment.consumers) {
      const network = new NetworkStack(this, `ConsumerNetwork-${consumer.name}`, {
        ...common,
        account: consumer.account,
        description: `${environment.name}: isolated VPC of consumer ${consumer.name}`,
        vpc: { kind: 'consumer', name: consumer.name },
        cidr: consumer.cidr,
        // A consumer VPC routes to the APIs it calls only; the gateway's route tables
        // (TransitRouting) enforce the same whatever a consumer admin adds here. PrivateLink and Lattice route nothing.
        peerCidrs: routed ? apisCalledBy(environment, consumer).map((a) => a.cidr) : [],
      });
      if (this.transitHub) network.addStackDependency(this.transitHub);
      consumerNetworks.set(consumer.name, network);
    }
    this.consumerNetworks = consumerNetworks;

    if (this.transitHub) {
      // After every attachment exists (it reads their ids), in the gateway's own account.
      this.transitRouting = new TransitRoutingStack(this, 'TransitRouting', {
        ...common,
        account: config.accounts.network,
        description: `${environment.name}: transit gateway route tables, each consumer sees only the APIs it calls`,
        transitGatewayId: this.transitHub.transitGateway.ref,
      });
      for (const network of [...[...apis.values()].map((a) => a.network), ...consumerNetworks.values()]) this.transitRouting.addStackDependency(network);
    }

    const consumerApps = new Map<string, ConsumerAppStack>();
    for (const consumer of environment.consumers) {
      const called = apisCalledBy(environment, consumer);
      const app = new ConsumerAppStack(this, `ConsumerApp-${consumer.name}`, {
        ...common,
        account: consumer.account,
        description: `${environment.name}: GraphQL API of consumer ${consumer.name}, served from the ${consumer.calls.length} internal API(s) it calls`,
        consumer,
        network: consumerNetworks.get(consumer.name)!.network,
        apiRevisions: new Map(called.map((api) => [api.name, apis.get(api.name)!.service.revision])),
      });
      // Its deploy-time health checks call the APIs: their services and the routes to them must be up first.
      for (const api of called) app.addStackDependency(apis.get(api.name)!.service);
      if (this.transitRouting) app.addStackDependency(this.transitRouting);
      // It associates its VPC with the service network by the ARN the hub publishes.
      if (this.latticeHub) app.addStackDependency(this.latticeHub);
      consumerApps.set(consumer.name, app);
    }
    this.consumerApps = consumerApps;
  }
}
