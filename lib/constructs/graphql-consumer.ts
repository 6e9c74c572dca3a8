import * as path from 'node:path';
import { CfnResource, Duration, Expiration, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../runtime/graphql-resolver/graphql-limits';
import { HealthCheckGate } from './health-check-gate';
import { IsolatedVpcFunction } from './isolated-vpc-function';
import { literalArn } from './literal-arn';
import { RetainedLogGroup } from './retained-log-group';

/** Default reserved concurrency of the resolver (see GraphqlConsumerProps.resolverConcurrency). */
export const DEFAULT_RESOLVER_CONCURRENCY = 20;

/** The resolver's source folder: handler, health check, and the AppSync schema. */
export const RESOLVER_DIR = path.join(__dirname, '..', 'runtime', 'graphql-resolver');

/** One API key of the GraphQL API (API_KEY authorization). */
export interface GraphqlApiKey {
  /** Names the key's resource (construct id `${name}ApiKey` under the API): renaming replaces the key. */
  readonly name: string;
  /** When AppSync stops accepting the key: 1 to 365 days after the deploy. */
  readonly expires: Date;
}

/**
 * The keys, checked: AppSync creates a key that lapses after 7 days when none is configured, and
 * two keys of one name would be one construct id.
 */
function checkedApiKeys(scope: Construct, keys: readonly GraphqlApiKey[] | undefined): readonly GraphqlApiKey[] {
  if (!keys || keys.length === 0) throw new Error(`${scope.node.path}: API_KEY authorization needs at least one entry in apiKeys; otherwise AppSync's key expires 7 days after the deploy.`);
  const names = keys.map((key) => key.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new Error(`${scope.node.path}: apiKeys has two keys named "${twice}"; give each key its own name.`);
  const day = 24 * 60 * 60 * 1000;
  for (const key of keys) {
    const ahead = key.expires.getTime() - Date.now();
    if (!(ahead >= day && ahead <= 365 * day)) {
      throw new Error(`${scope.node.path}: API key "${key.name}" expires ${key.expires.toISOString()}; AppSync accepts 1 to 365 days after the deploy: move the date (or add a new key and remove this one).`);
    }
  }
  return keys;
}

/** Properties of {@link GraphqlConsumer}. */
export interface GraphqlConsumerProps {
  /** The consumer VPC (isolated). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the Lambda functions (the workload subnets).
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
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
   * The API keys (API_KEY authorization only). Rotate by adding a key, moving the callers to it,
   * then removing the old one: each key keeps its resource while its name stays.
   * @default - required with API_KEY
   */
  readonly apiKeys?: readonly GraphqlApiKey[];
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
 * API (over the transit gateway, or through the PrivateLink endpoint); plus a deploy-time gate
 * that calls the API's /healthz through the same subnets and security group, failing the
 * deployment with the broken layer's name.
 */
export class GraphqlConsumer extends Construct implements ec2.IConnectable {
  /** The GraphQL API. */
  public readonly api: appsync.GraphqlApi;
  /** The resolver function. */
  public readonly resolver: IsolatedVpcFunction;
  /** The health-check function run by the gate. */
  public readonly healthCheck: IsolatedVpcFunction;
  /** The custom resource that runs the health check during deployment (the promotion gate). */
  public readonly healthCheckGate: HealthCheckGate;
  /** The functions' security group (egress 443 to the API destination only). */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The functions' network connections (their one security group). */
  public readonly connections: ec2.Connections;
  private readonly authorizationType: appsync.AuthorizationType;

  constructor(scope: Construct, id: string, props: GraphqlConsumerProps) {
    super(scope, id);
    this.authorizationType = props.authorizationType ?? appsync.AuthorizationType.IAM;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      // Worded before PrivateLink mode, where the destination is the interface endpoint; it stays:
      // CloudFormation replaces a security group whose description changes, and the old group's
      // deletion then waits for Lambda to release the functions' network interfaces.
      description: 'GraphQL resolver: HTTPS to the internal API VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(props.apiDestination, ec2.Port.tcp(443), 'HTTPS to the internal API');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });

    const environment = { API_BASE_URL: props.apiBaseUrl, NODE_OPTIONS: '--enable-source-maps' };
    const resolverConcurrency = props.resolverConcurrency ?? DEFAULT_RESOLVER_CONCURRENCY;
    if (!Number.isInteger(resolverConcurrency) || resolverConcurrency < 1) {
      throw new Error(`${this.node.path}: resolverConcurrency must be a positive integer, got ${resolverConcurrency}; ` +
        'it bounds the API calls in flight from this consumer (e.g. 20).');
    }
    const inVpc = { vpc: props.vpc, subnets: props.subnets, securityGroup: this.securityGroup, logRetention: props.logRetention, environment };
    this.resolver = new IsolatedVpcFunction(this, 'Resolver', {
      ...inVpc,
      entry: path.join(RESOLVER_DIR, 'src', 'handler.ts'),
      // Well under AppSync's 30 s resolver limit; the client's own request timeout is 5 s.
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: resolverConcurrency,
    });
    this.healthCheck = new IsolatedVpcFunction(this, 'HealthCheck', {
      ...inVpc,
      entry: path.join(RESOLVER_DIR, 'src', 'healthcheck.ts'),
      // The check retries for up to 60 s while fresh targets register.
      timeout: Duration.seconds(90),
    });
    for (const fn of [this.resolver, this.healthCheck]) {
      Validations.of(fn).acknowledge({
        id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
        reason: 'Invoked synchronously only (AppSync, and the health-check gate with RequestResponse); a DLQ receives failed asynchronous invocations and would stay empty.',
      });
    }
    Validations.of(this.healthCheck).acknowledge({
      id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
      reason: 'Invoked once per deployment by the health-check gate, never by callers: there is no load to bound, and a reservation would only take account concurrency from the resolver.',
    });

    const apiKeys = props.authorizationType === appsync.AuthorizationType.API_KEY ? checkedApiKeys(this, props.apiKeys) : [];
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.apiName,
      definition: appsync.Definition.fromFile(path.join(RESOLVER_DIR, 'schema.graphql')),
      authorizationConfig: {
        defaultAuthorization:
          props.authorizationType === appsync.AuthorizationType.API_KEY
            ? { authorizationType: appsync.AuthorizationType.API_KEY, apiKeyConfig: { name: apiKeys[0].name, expires: Expiration.atDate(apiKeys[0].expires) } }
            : { authorizationType: appsync.AuthorizationType.IAM },
      },
      // Traces each request through AppSync into the resolver Lambda (docs/operations.md, Tracing).
      xrayEnabled: true,
      // Bounds the API calls one GraphQL request can cause (AppSync's defaults: 10,000 resolvers, no depth limit).
      queryDepthLimit: QUERY_DEPTH_LIMIT,
      resolverCountLimit: RESOLVER_COUNT_LIMIT,
    });
    // The L2 creates the first key (`${name}ApiKey` under the API); the others get the same id
    // scheme, so a key keeps its logical id when the keys before it are removed.
    for (const key of apiKeys.slice(1)) {
      new appsync.CfnApiKey(this.api, `${key.name}ApiKey`, { apiId: this.api.apiId, expires: Expiration.atDate(key.expires).toEpoch() });
    }
    // Logging is set on the L1: the L2's logConfig always adds a LogRetention custom resource
    // (a Lambda with a managed-policy role) that would race the log group created below.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: this.appSyncLogsRole().roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    new RetainedLogGroup(this, 'ApiLogs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention,
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

    this.healthCheckGate = new HealthCheckGate(this, 'HealthCheckGate', {
      checkFunction: this.healthCheck,
      checkedInputs: { apiBaseUrl: props.apiBaseUrl, ...props.healthCheckInputs },
      logRetention: props.logRetention,
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
    const appSyncLogGroups = literalArn(this, 'logs', 'log-group:/aws/appsync/apis/*');
    role.addToPolicy(
      new iam.PolicyStatement({
        // No CreateLogGroup: the stack creates the group, with its retention.
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [appSyncLogGroups],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${appSyncLogGroups}]`,
      reason: 'The API id is known only after the API exists, and the API needs this role first; the wildcard stays within AppSync API log groups of this account and region.',
    });
    return role;
  }
}
