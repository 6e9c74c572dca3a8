import * as path from 'node:path';
import { ArnFormat, CfnResource, CustomResource, Duration, Expiration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../runtime/graphql-resolver/graphql-limits';
import { DeployTimeFunction, NODE_BUNDLING } from './deploy-time-function';
import { StackEncryptionKey } from './stack-encryption-key';

/** Default reserved concurrency of the resolver (see GraphqlConsumerProps.resolverConcurrency). */
export const DEFAULT_RESOLVER_CONCURRENCY = 20;

/** The resolver's source folder: handler, health check, and the AppSync schema. */
export const RESOLVER_DIR = path.join(__dirname, '..', 'runtime', 'graphql-resolver');

/** The API key's expiry; required so the key does not silently lapse after AppSync's default 7 days. */
function apiKeyExpiration(scope: Construct, expires: Date | undefined): Expiration {
  if (!expires) throw new Error(`${scope.node.path}: API_KEY authorization needs apiKeyExpires; otherwise the key expires 7 days after the deploy.`);
  return Expiration.atDate(expires);
}

/** Properties of {@link GraphqlConsumer}. */
export interface GraphqlConsumerProps {
  /** The consumer VPC (isolated). */
  readonly vpc: ec2.IVpc;
  /** Subnets for the Lambda functions (the workload subnets). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * The only destination the functions may reach (443): the API VPC's CIDR over a transit gateway,
   * or the security group of the interface endpoint to the API (PrivateLink).
   */
  readonly apiDestination: ec2.IPeer;
  /** `https://<api domain>`, usually read from the shared parameter. */
  readonly apiBaseUrl: string;
  /** The GraphQL API's name. */
  readonly apiName: string;
  /**
   * How callers authenticate to the GraphQL API.
   * @default appsync.AuthorizationType.IAM
   */
  readonly authorizationType?: appsync.AuthorizationType.IAM | appsync.AuthorizationType.API_KEY;
  /**
   * Expiry of the API key (API_KEY authorization only); AppSync's default is 7 days after the deploy.
   * @default - required with API_KEY
   */
  readonly apiKeyExpires?: Date;
  /** Retention of the AppSync and Lambda logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Values whose change must re-run the deploy-time health check (the API endpoint, its
   * certificate, the network path). The check always re-runs when its own code changes.
   * @default - none beyond the endpoint URL
   */
  readonly healthCheckInputs?: Record<string, string>;
  /**
   * Reserved concurrency of the resolver: at most this many invocations run at once, so at most
   * this many API calls are in flight from this consumer (each invocation makes one call at a
   * time). The account's concurrency quota must leave 10 unreserved: a new account whose quota is
   * still 10 must ask for more first (Service Quotas, Lambda "Concurrent executions", L-B99A9384).
   * @default 20
   */
  readonly resolverConcurrency?: number;
}

/**
 * An AppSync GraphQL API whose direct Lambda resolver, inside the consumer VPC, calls the internal
 * API over the transit gateway; plus a deploy-time trigger that calls the API's /healthz through
 * the same subnets and security group, failing the deployment with the broken layer's name.
 */
export class GraphqlConsumer extends Construct {
  /** The GraphQL API. */
  public readonly api: appsync.GraphqlApi;
  /** The resolver function. */
  public readonly resolver: nodejs.NodejsFunction;
  /** The health-check function run by the trigger. */
  public readonly healthCheck: nodejs.NodejsFunction;
  /** The custom resource that runs the health check during deployment (the promotion gate). */
  public readonly healthCheckGate: CustomResource;
  /** The functions' security group (egress 443 to the API VPC only). */
  public readonly securityGroup: ec2.SecurityGroup;
  private readonly authorizationType: appsync.AuthorizationType;

  constructor(scope: Construct, id: string, props: GraphqlConsumerProps) {
    super(scope, id);
    this.authorizationType = props.authorizationType ?? appsync.AuthorizationType.IAM;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'GraphQL resolver: HTTPS to the internal API VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(props.apiDestination, ec2.Port.tcp(443), 'HTTPS to the internal API');

    const environment = { API_BASE_URL: props.apiBaseUrl, NODE_OPTIONS: '--enable-source-maps' };
    const resolverConcurrency = props.resolverConcurrency ?? DEFAULT_RESOLVER_CONCURRENCY;
    if (!Number.isInteger(resolverConcurrency) || resolverConcurrency < 1) {
      throw new Error(`${this.node.path}: resolverConcurrency must be a positive integer, got ${resolverConcurrency}; ` +
        'it bounds the API calls in flight from this consumer (e.g. 20).');
    }
    this.resolver = this.vpcFunction('Resolver', 'handler.ts', props, {
      // Well under AppSync's 30 s resolver limit; the client's own request timeout is 5 s.
      timeout: Duration.seconds(10),
      environment,
      reservedConcurrentExecutions: resolverConcurrency,
    });
    this.healthCheck = this.vpcFunction('HealthCheck', 'healthcheck.ts', props, {
      // The check retries for up to 60 s while fresh targets register.
      timeout: Duration.seconds(90),
      environment,
    });
    Validations.of(this.healthCheck).acknowledge({
      id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
      reason: 'Invoked once per deployment by the health-check gate, never by callers: there is no load to bound, and a reservation would only take account concurrency from the resolver.',
    });

    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.apiName,
      definition: appsync.Definition.fromFile(path.join(RESOLVER_DIR, 'schema.graphql')),
      authorizationConfig: {
        defaultAuthorization:
          props.authorizationType === appsync.AuthorizationType.API_KEY
            ? { authorizationType: appsync.AuthorizationType.API_KEY, apiKeyConfig: { expires: apiKeyExpiration(this, props.apiKeyExpires) } }
            : { authorizationType: appsync.AuthorizationType.IAM },
      },
      // Traces each request through AppSync into the resolver Lambda (docs/operations.md, Tracing).
      xrayEnabled: true,
      // Bounds the API calls one GraphQL request can cause (AppSync's defaults: 10,000 resolvers, no depth limit).
      queryDepthLimit: QUERY_DEPTH_LIMIT,
      resolverCountLimit: RESOLVER_COUNT_LIMIT,
    });
    // Logging is set on the L1: the L2's logConfig always adds a LogRetention custom resource
    // (a Lambda with a managed-policy role) that would race the log group created below.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: this.appSyncLogsRole().roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    new logs.LogGroup(this, 'ApiLogs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention,
      encryptionKey: StackEncryptionKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ASC3',
      reason:
        'Request-level logging is on (ERROR level, with a CloudWatch role). Verbose content stays excluded on purpose: ' +
        'it would write request headers, including x-api-key and SigV4 Authorization, into the logs.',
    });
    Validations.of(this.api).acknowledge({
      id: 'cdk-validator-cfnguard::appsync_api_private_visibility_check',
      reason: 'The GraphQL API is the consumer account\'s product surface for its own callers, guarded by IAM (or API key) authorization; the internal API behind it is what stays private.',
    });
    const dataSource = this.api.addLambdaDataSource('Internal', this.resolver);
    Validations.of(dataSource).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.resolver.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason: 'AppSync may invoke the resolver function and its versions/aliases (the ":*" qualifier); no other function.',
    });
    // No mapping templates: direct Lambda resolvers hand AppSync's event to the handler as is.
    for (const fieldName of ['item', 'items']) {
      dataSource.createResolver(`Query${fieldName}`, { typeName: 'Query', fieldName });
    }

    // The promotion gate: a custom resource whose handler, outside the VPC, invokes the check
    // inside it. Unlike aws-cdk-lib/triggers it does nothing while the stack rolls back, so a
    // failed check cannot wedge the stack in UPDATE_ROLLBACK_FAILED (#12, healthcheck-gate.ts).
    this.healthCheckGate = new CustomResource(this, 'HealthCheckGate', {
      serviceToken: this.gateFunction(props.logRetention).functionArn,
      resourceType: 'Custom::HealthCheckGate',
      // The check gives up after about a minute; a handler that never answers fails the deploy
      // after this, not after CloudFormation's default hour.
      serviceTimeout: Duration.minutes(5),
      properties: {
        // The version: new check code re-runs the check.
        CheckFunctionArn: this.healthCheck.currentVersion.functionArn,
        // Values resolved at deploy time (shared parameters) and the API revision: any change is
        // an update of this resource, which runs the check again.
        CheckedInputs: { apiBaseUrl: props.apiBaseUrl, ...props.healthCheckInputs },
      },
    });
    this.healthCheckGate.node.addDependency(this.resolver, this.api);
  }

  /**
   * Lets `grantee` (a role or user of the consumer account, or a principal another account trusts)
   * run queries on this API: `appsync:GraphQL` on the Query fields given, or on every Query field.
   * Nothing is granted by default: with IAM authorization a caller without such a grant is refused.
   */
  public grantQuery(grantee: iam.IGrantable, ...fields: string[]): iam.Grant {
    if (this.authorizationType !== appsync.AuthorizationType.IAM) {
      // An IAM grant on an API-key API would look like access control and change nothing.
      throw new Error(`${this.node.path}: grantQuery needs IAM authorization, but this API uses ${this.authorizationType}; ` +
        'set the consumer\'s graphqlAuth to AWS_IAM, or hand out the API key instead.');
    }
    return this.api.grantQuery(grantee, ...fields);
  }

  /** AppSync's logging role, limited to AppSync log groups (the API id is unknown until the API exists). */
  private appSyncLogsRole(): iam.Role {
    const role = new iam.Role(this, 'ApiLogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync writes this API\'s request logs',
    });
    const stack = Stack.of(this);
    role.addToPolicy(
      new iam.PolicyStatement({
        // No CreateLogGroup: the stack creates the group, with its retention.
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/appsync/apis/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/appsync/apis/*]`,
      reason: 'The API id is known only after the API exists, and the API needs this role first; the wildcard stays within AppSync API log groups of this account and region.',
    });
    return role;
  }

  /**
   * A Lambda role: write to its own log group, manage network interfaces in its own VPC; nothing
   * else. AWSLambdaVPCAccessExecutionRole grants the ENI actions on "*", which would let the
   * function's role create or delete interfaces in any VPC of the account (#11).
   */
  private functionRole(id: string, logGroup: logs.LogGroup, vpc: ec2.IVpc): iam.Role {
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const stack = Stack.of(this);
    const ec2Arn = (resource: string) => stack.formatArn({ service: 'ec2', resource, resourceName: '*' });
    const inThisVpc = { ArnEquals: { 'ec2:Vpc': vpc.vpcArn } };
    // A new interface has no VPC yet (CreateNetworkInterface offers no ec2:Vpc on it); the same
    // request also names the subnet and security group, which must be in this VPC.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [ec2Arn('network-interface')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [ec2Arn('subnet'), ec2Arn('security-group')], conditions: inThisVpc }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [ec2Arn('network-interface')],
      conditions: inThisVpc,
    }));
    // Describe* support no resource-level permissions.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }));
    const reason = 'Lambda manages its ENIs in subnets chosen at run time; every write is limited to this VPC by the ec2:Vpc condition (the new interface itself cannot be conditioned), and the Describe* actions support no resource-level permissions. ' +
      'With active tracing, xray:PutTraceSegments and xray:PutTelemetryRecords are on "*" too: they support no resource-level permissions either.';
    for (const resource of ['*', ...['network-interface', 'subnet', 'security-group'].map((r) => stack.resolve(ec2Arn(r)) as string)]) {
      Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
    return role;
  }

  /**
   * The gate's handler, outside the VPC: it must reach CloudFormation (is the stack rolling
   * back?), Lambda (invoke the check) and CloudFormation's response URL, none of which the
   * isolated consumer VPC can reach. It may read this stack's status and invoke the check only.
   */
  private gateFunction(logRetention: logs.RetentionDays): DeployTimeFunction {
    const id = 'HealthCheckGateFunction';
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logRetention,
      encryptionKey: StackEncryptionKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Stack.of(this).stackId] }));
    this.healthCheck.currentVersion.grantInvoke(role);
    return new DeployTimeFunction(this, id, {
      entry: path.join(RESOLVER_DIR, 'src', 'healthcheck-gate-lambda.ts'),
      role,
      logGroup,
      // Longer than the check (90 s) so the gate always answers CloudFormation itself.
      timeout: Duration.minutes(3),
    });
  }

  private vpcFunction(id: string, entryFile: string, props: GraphqlConsumerProps, options: Pick<nodejs.NodejsFunctionProps, 'timeout' | 'environment' | 'reservedConcurrentExecutions'>): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: props.logRetention,
      encryptionKey: StackEncryptionKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const fn = new nodejs.NodejsFunction(this, id, {
      role: this.functionRole(id, logGroup, props.vpc),
      entry: path.join(RESOLVER_DIR, 'src', entryFile),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      allowPublicSubnet: false,
      // Lambda records the invocation's segments itself: the functions use no X-Ray SDK, so nothing
      // in the isolated subnets needs the X-Ray endpoint (docs/operations.md, Tracing).
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        ...NODE_BUNDLING,
        // Node's own https only: nothing from the AWS SDK belongs in the bundle.
        externalModules: [],
      },
      ...options,
    });
    const acknowledge = (ruleId: string, reason: string) => Validations.of(fn).acknowledge({ id: ruleId, reason });
    acknowledge('NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'Invoked synchronously only (AppSync, and the health-check gate with RequestResponse); a DLQ receives failed asynchronous invocations and would stay empty.');
    acknowledge(
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'The function is in the consumer VPC (unit tests assert VpcConfig); its subnet ids arrive as cross-stack references (Fn::GetStackOutput) that the rule cannot evaluate.',
    );
    return fn;
  }
}
