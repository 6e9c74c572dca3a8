import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { sharedParameterArn } from '../config/shared-parameters';
import { ConsumerConfig, EnvironmentConfig } from '../config/types';
import { GraphqlConsumer } from '../constructs/graphql-consumer';
import { PrivateNetwork } from '../constructs/private-network';
import { readSharedParameter } from '../constructs/shared-parameter';
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

  constructor(scope: Construct, id: string, props: ConsumerAppStackProps) {
    super(scope, id, props);
    const { config, environment, consumer, network } = props;
    const read = (key: 'api-endpoint' | 'api-certificate-arn' | 'api-revision', readerId: string) =>
      readSharedParameter(this, readerId, sharedParameterArn(config, environment, key));

    this.graphql = new GraphqlConsumer(this, 'Graphql', {
      vpc: network.vpc,
      subnets: network.workloadSubnets,
      apiCidr: environment.apiCidr,
      apiBaseUrl: read('api-endpoint', 'ApiEndpoint'),
      apiName: `${config.projectName}-${environment.name}-${consumer.name}`,
      authorizationType: consumer.graphqlAuth === 'API_KEY' ? appsync.AuthorizationType.API_KEY : appsync.AuthorizationType.IAM,
      apiKeyExpires: consumer.apiKeyExpires ? new Date(`${consumer.apiKeyExpires}T00:00:00Z`) : undefined,
      logRetention: environment.service.logRetentionDays as logs.RetentionDays,
      // What the check depends on: a change to any of these re-runs it on the next deploy.
      healthCheckInputs: {
        // Every API-side change (image, task, NLB, security group, route, certificate) changes
        // the revision (#12): as computed by this synth (visible in `cdk diff`, re-runs the check
        // when the pipeline deploys) and as published by the API account (re-runs it when the
        // consumer is deployed after an API deployed from another synth).
        apiRevision: props.apiRevision,
        publishedApiRevision: read('api-revision', 'ApiRevision'),
        certificateArn: read('api-certificate-arn', 'ApiCertificateArn'),
        transitGatewayId: transitGatewayIdFor(this, config, environment),
        path: `${consumer.cidr} -> ${environment.apiCidr}:443`,
      },
    });
  }
}
