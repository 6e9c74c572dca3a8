import { CfnOutput } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiRuntimeOf, mergedSchema } from '../config/api-runtime';
import { connectivityOf } from '../config/connectivity';
import { apisCalledBy } from '../config/matrix';
import { callerRoleName } from '../config/names';
import { EnvironmentVpc, SharedParameterKey } from '../config/shared-parameters';
import { ConsumerConfig, EnvironmentConfig } from '../config/types';
import { ApiInterfaceEndpoint } from '../constructs/api-interface-endpoint';
import { createAlarmTopic } from '../constructs/alarm-topic';
import { ConsumerMonitoring } from '../constructs/consumer-monitoring';
import { GraphqlConsumer, GraphqlConsumerApi } from '../constructs/graphql-consumer';
import { LatticeServiceAlias } from '../constructs/lattice-service-alias';
import { LatticeVpcAssociation } from '../constructs/lattice-vpc-association';
import { managedPrefixListId } from '../constructs/managed-prefix-list';
import { PrivateNetwork } from '../constructs/private-network';
import { SharedParameter } from '../constructs/shared-parameter';
import { AccountStack, AccountStackProps } from './account-stack';
import { transitGatewayIdFor } from './transit-gateway-id';

/** Properties of {@link ConsumerAppStack}. */
export interface ConsumerAppStackProps extends AccountStackProps {
  /** The environment. */
  readonly environment: EnvironmentConfig;
  /** The consumer this stack serves. */
  readonly consumer: ConsumerConfig;
  /** The consumer VPC (from its ConsumerNetwork stack, same account). */
  readonly network: PrivateNetwork;
  /** Each called API's revision as this synth computes it ({@link ApiServiceStack.revision}), by API name. */
  readonly apiRevisions: ReadonlyMap<string, string>;
}

/** In a consumer account: the GraphQL API that serves the data of the internal APIs it calls, privately. */
export class ConsumerAppStack extends AccountStack {
  /** The GraphQL API, its resolvers and the deploy-time checks. */
  public readonly graphql: GraphqlConsumer;
  /** The interface endpoint to each API it calls, by API name, in privatelink mode only. */
  public readonly apiEndpoints: ReadonlyMap<string, ApiInterfaceEndpoint>;
  /** The VPC's association with the environment's service network, in lattice mode only. */
  public readonly latticeAssociation?: LatticeVpcAssociation;
  /** The private name of each API it calls, by API name, in lattice mode only. */
  public readonly latticeNames: ReadonlyMap<string, LatticeServiceAlias>;
  /** Alarms (to this consumer account's topic) and dashboard. */
  public readonly monitoring: ConsumerMonitoring;

  constructor(scope: Construct, id: string, props: ConsumerAppStackProps) {
    super(scope, id, props);
    const { config, environment, consumer, network } = props;
    const mode = connectivityOf(environment);
    const called = apisCalledBy(environment, consumer);
    const endpoints = new Map<string, ApiInterfaceEndpoint>();
    const latticeNames = new Map<string, LatticeServiceAlias>();
    const transitGatewayId = transitGatewayIdFor(this, config, environment);
    // Lattice: the VPC joins the environment's service network, and the functions reach it at the
    // addresses of Lattice's managed prefix list (read at deploy time), on 443 only.
    const lattice = mode === 'lattice'
      ? {
        association: new LatticeVpcAssociation(this, 'LatticeAssociation', {
          vpc: network.vpc,
          serviceNetworkArn: SharedParameter.read(this, 'ServiceNetworkArn', { config, environment, key: 'service-network-arn' }),
        }),
        addresses: ec2.Peer.prefixList(managedPrefixListId(this, 'LatticePrefixList', 'vpc-lattice', 'vpc-lattice-prefix-list')),
      }
      : undefined;

    const revisionOf = (name: string): string => {
      const revision = props.apiRevisions.get(name);
      // An empty revision would make the check's inputs constant: it would never re-run.
      if (revision === undefined) throw new Error(`${this.node.path}: no revision for API "${name}"; give apiRevisions an entry for every API the consumer calls.`);
      return revision;
    };
    const apis = called.map((api): GraphqlConsumerApi => {
      const vpc: EnvironmentVpc = { kind: 'api', name: api.name };
      const read = (key: SharedParameterKey, readerId: string) => SharedParameter.read(this, `${readerId}-${api.name}`, { config, environment, key, vpc });
      // PrivateLink: an interface endpoint in this VPC is the only way to the API; over a transit
      // gateway, the API VPC's CIDR is; behind Lattice, the service network, by the API's own name
      // in a private zone of this VPC.
      const serviceName = mode === 'privatelink' ? read('endpoint-service-name', 'EndpointServiceName') : undefined;
      if (serviceName) {
        endpoints.set(api.name, new ApiInterfaceEndpoint(this, `ApiInterfaceEndpoint-${api.name}`, { vpc: network.vpc, subnets: network.workloadSubnets, serviceName }));
      }
      const latticeServiceArn = lattice ? read('lattice-service-arn', 'LatticeServiceArn') : undefined;
      if (lattice) {
        latticeNames.set(api.name, new LatticeServiceAlias(this, `LatticeName-${api.name}`, {
          domainName: api.domain,
          vpc: network.vpc,
          serviceDnsName: read('lattice-service-dns-name', 'LatticeServiceDnsName'),
          serviceHostedZoneId: read('lattice-service-hosted-zone-id', 'LatticeServiceHostedZoneId'),
        }));
      }
      const runtime = apiRuntimeOf(api);
      return {
        name: api.name,
        destination: endpoints.get(api.name)?.securityGroup ?? lattice?.addresses ?? ec2.Peer.ipv4(api.cidr),
        baseUrl: read('api-endpoint', 'ApiEndpoint'),
        resolverEntry: runtime.graphql.resolverEntry,
        graphql: runtime.graphql,
        roleNames: { resolver: callerRoleName(config, environment, consumer, api, 'resolver'), healthCheck: callerRoleName(config, environment, consumer, api, 'check') },
        // Each request carries a token of the function's role bound to this API's name, or (Lattice) a SigV4 signature.
        authentication: latticeServiceArn ? { kind: 'lattice', serviceArn: latticeServiceArn } : { kind: 'caller-token', audience: api.name },
        // What the check depends on: a change to any of these re-runs it on the next deploy.
        healthCheckInputs: {
          // Every change on the API's side (image, task, NLB, security group, route, certificate)
          // changes its revision: as computed by this synth (visible in `cdk diff`, re-runs the
          // check when the pipeline deploys) and as published by the API's account (re-runs it when
          // the consumer is deployed after the API deployed from another synth). Another API's
          // changes re-run nothing here.
          apiRevision: revisionOf(api.name),
          publishedApiRevision: read('api-revision', 'ApiRevision'),
          certificateArn: read('api-certificate-arn', 'ApiCertificateArn'),
          ...(serviceName
            ? { endpointServiceName: serviceName, path: `${consumer.cidr} -> PrivateLink -> ${api.domain}:443` }
            : latticeServiceArn
            ? { latticeServiceArn, path: `${consumer.cidr} -> VPC Lattice -> ${api.domain}:443` }
            : {
                transitGatewayId: transitGatewayId!,
                // This consumer's own route table: a grant or revocation re-runs its checks.
                path: `${consumer.cidr} -> ${api.cidr}:443 (calls ${called.map((a) => a.name).join(', ')})`,
              }),
        },
      };
    });

    this.graphql = new GraphqlConsumer(this, 'Graphql', {
      vpc: network.vpc,
      subnets: network.workloadSubnets,
      apis,
      schema: mergedSchema(called.map(apiRuntimeOf)),
      apiName: `${config.projectName}-${environment.name}-${consumer.name}`,
      authorizationType: consumer.graphqlAuth === 'API_KEY' ? appsync.AuthorizationType.API_KEY : appsync.AuthorizationType.IAM,
      apiKeys: consumer.apiKeys?.map((key) => ({ name: key.name, expires: new Date(`${key.expires}T00:00:00Z`) })),
      // As long as the longest-kept API it calls: one request's logs live as long on both sides.
      logRetention: Math.max(...called.map((api) => api.service.logRetentionDays)) as logs.RetentionDays,
    });
    for (const [name, endpoint] of endpoints) {
      const calledApi = this.graphql.calledApis.get(name)!;
      endpoint.allowFrom(calledApi.securityGroup, `HTTPS from the ${name} GraphQL functions`);
      // The check calls the API through the endpoint: it must exist (and answer by name) first.
      calledApi.healthCheckGate.node.addDependency(endpoint.endpoint);
    }
    this.apiEndpoints = endpoints;
    this.latticeNames = latticeNames;
    if (lattice) {
      for (const [name, calledApi] of this.graphql.calledApis) {
        lattice.association.allowFrom(calledApi, `HTTPS from the ${name} GraphQL functions`);
        // The check calls the API by name through the association: both must exist first.
        calledApi.healthCheckGate.node.addDependency(lattice.association.association, latticeNames.get(name)!.record);
      }
      this.latticeAssociation = lattice.association;
    }

    const alarmTopic = createAlarmTopic(this, 'AlarmTopic', `${this.stackName} alarms`);
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe the consumer team\'s on-call to this topic.' });
    this.monitoring = new ConsumerMonitoring(this, 'Monitoring', {
      graphql: this.graphql,
      // Per environment and consumer: two environments in one account must not share a metric.
      metricNamespace: `${config.projectName}/${environment.name}/${consumer.name}`,
      name: `${config.projectName}-${environment.name}-${consumer.name}`,
      alarmTopic,
    });
  }
}
