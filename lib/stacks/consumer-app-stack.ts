import { CfnOutput } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { connectivityOf } from '../config/connectivity';
import { ConsumerConfig, EnvironmentConfig } from '../config/types';
import { ApiInterfaceEndpoint } from '../constructs/api-interface-endpoint';
import { createAlarmTopic } from '../constructs/alarm-topic';
import { ConsumerMonitoring } from '../constructs/consumer-monitoring';
import { GraphqlConsumer } from '../constructs/graphql-consumer';
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
  /** The API side's revision as this synth computes it ({@link ApiServiceStack.revision}). */
  readonly apiRevision: string;
}

/** In a consumer account: the GraphQL API that serves the internal API's data, privately. */
export class ConsumerAppStack extends AccountStack {
  /** The GraphQL API, its resolver and the deploy-time check. */
  public readonly graphql: GraphqlConsumer;
  /** The interface endpoint to the API, in privatelink mode only. */
  public readonly apiEndpoint?: ApiInterfaceEndpoint;
  /** Alarms (to this consumer account's topic) and dashboard. */
  public readonly monitoring: ConsumerMonitoring;

  constructor(scope: Construct, id: string, props: ConsumerAppStackProps) {
    super(scope, id, props);
    const { config, environment, consumer, network } = props;
    const read = (key: 'api-endpoint' | 'api-certificate-arn' | 'api-revision' | 'endpoint-service-name', readerId: string) =>
      SharedParameter.read(this, readerId, { config, environment, key });

    // PrivateLink: an interface endpoint in this VPC is the only way to the API; over a transit
    // gateway, the API VPC's CIDR is.
    const privateLink = connectivityOf(environment) === 'privatelink';
    const serviceName = privateLink ? read('endpoint-service-name', 'EndpointServiceName') : undefined;
    if (serviceName) {
      this.apiEndpoint = new ApiInterfaceEndpoint(this, 'ApiInterfaceEndpoint', { vpc: network.vpc, subnets: network.workloadSubnets, serviceName });
    }

    this.graphql = new GraphqlConsumer(this, 'Graphql', {
      vpc: network.vpc,
      subnets: network.workloadSubnets,
      apiDestination: this.apiEndpoint?.securityGroup ?? ec2.Peer.ipv4(environment.apiCidr),
      apiBaseUrl: read('api-endpoint', 'ApiEndpoint'),
      apiName: `${config.projectName}-${environment.name}-${consumer.name}`,
      authorizationType: consumer.graphqlAuth === 'API_KEY' ? appsync.AuthorizationType.API_KEY : appsync.AuthorizationType.IAM,
      apiKeys: consumer.apiKeys?.map((key) => ({ name: key.name, expires: new Date(`${key.expires}T00:00:00Z`) })),
      logRetention: environment.service.logRetentionDays as logs.RetentionDays,
      // What the check depends on: a change to any of these re-runs it on the next deploy.
      healthCheckInputs: {
        // Every API-side change (image, task, NLB, security group, route, certificate) changes
        // the revision: as computed by this synth (visible in `cdk diff`, re-runs the check
        // when the pipeline deploys) and as published by the API account (re-runs it when the
        // consumer is deployed after an API deployed from another synth).
        apiRevision: props.apiRevision,
        publishedApiRevision: read('api-revision', 'ApiRevision'),
        certificateArn: read('api-certificate-arn', 'ApiCertificateArn'),
        ...(serviceName
          ? { endpointServiceName: serviceName, path: `${consumer.cidr} -> PrivateLink -> ${environment.apiDomain}:443` }
          : { transitGatewayId: transitGatewayIdFor(this, config, environment)!, path: `${consumer.cidr} -> ${environment.apiCidr}:443` }),
      },
    });
    if (this.apiEndpoint) {
      this.apiEndpoint.allowFrom(this.graphql.securityGroup, 'HTTPS from the GraphQL functions');
      // The check calls the API through the endpoint: it must exist (and answer by name) first.
      this.graphql.healthCheckGate.node.addDependency(this.apiEndpoint.endpoint);
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
