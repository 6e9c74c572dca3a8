import { CfnResource, Expiration, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../runtime/graphql-resolver/graphql-limits';
import { ApiRuntime } from '../config/api-runtime';
import { CalledApi, CalledApiProps } from './called-api';
import { literalArn } from './literal-arn';
import { RetainedLogGroup } from './retained-log-group';


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

/** One API a {@link GraphqlConsumer} calls. */
export interface GraphqlConsumerApi extends Pick<CalledApiProps, 'destination' | 'baseUrl' | 'resolverEntry' | 'healthCheckInputs' | 'roleNames' | 'authentication'> {
  /** The API's name: the id of its {@link CalledApi} and of its data source. */
  readonly name: string;
  /**
   * Its GraphQL fragment as this consumer serves it (see lib/config/api-runtime.ts): its Query
   * fields, and the prefix they carry (its resolver is told it).
   */
  readonly graphql: Pick<ApiRuntime['graphql'], 'queryFields' | 'prefix'>;
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
  /** The APIs this consumer calls (at least one): each gets its functions and serves its fields. */
  readonly apis: readonly GraphqlConsumerApi[];
  /** The AppSync schema: the merged fragments of the APIs (see mergedSchema). */
  readonly schema: string;
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
   * Reserved concurrency of each API's resolver.
   * @default 20 (see CalledApiProps.resolverConcurrency)
   */
  readonly resolverConcurrency?: number;
}

/**
 * An AppSync GraphQL API serving the fields of every API the consumer calls, each field resolved
 * by that API's own direct Lambda resolver inside the consumer VPC (over the transit gateway, or
 * through the PrivateLink endpoint); plus, per API, a deploy-time gate that calls its /healthz
 * through the same subnets and security group, failing the deployment with the broken layer's name.
 */
export class GraphqlConsumer extends Construct {
  /** The GraphQL API. */
  public readonly api: appsync.GraphqlApi;
  /** What the consumer has for each API it calls, by API name. */
  public readonly calledApis: ReadonlyMap<string, CalledApi>;
  private readonly authorizationType: appsync.AuthorizationType;

  constructor(scope: Construct, id: string, props: GraphqlConsumerProps) {
    super(scope, id);
    this.authorizationType = props.authorizationType ?? appsync.AuthorizationType.IAM;
    if (props.apis.length === 0) throw new Error(`${this.node.path}: apis is empty; give the APIs this consumer calls (at least one).`);
    const calledApis = new Map<string, CalledApi>();
    for (const api of props.apis) {
      calledApis.set(api.name, new CalledApi(this, api.name, {
        vpc: props.vpc,
        subnets: props.subnets,
        destination: api.destination,
        baseUrl: api.baseUrl,
        resolverEntry: api.resolverEntry,
        graphqlPrefix: api.graphql.prefix,
        logRetention: props.logRetention,
        healthCheckInputs: api.healthCheckInputs,
        roleNames: api.roleNames,
        authentication: api.authentication,
        resolverConcurrency: props.resolverConcurrency,
      }));
    }
    this.calledApis = calledApis;

    const apiKeys = props.authorizationType === appsync.AuthorizationType.API_KEY ? checkedApiKeys(this, props.apiKeys) : [];
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.apiName,
      // A schema string, not a file: it is the fragments of the APIs this consumer calls. GraphqlApi
      // binds the schema to itself, so the reference is the API (its id is what SchemaFile uses).
      definition: appsync.Definition.fromSchema({ bind: (api) => ({ apiId: (api as appsync.IGraphqlApi).apiId, definition: props.schema }) }),
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
    for (const api of props.apis) {
      const called = calledApis.get(api.name)!;
      const dataSource = this.api.addLambdaDataSource(`Internal-${api.name}`, called.resolver);
      Validations.of(dataSource).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(called.resolver.node.defaultChild as CfnResource)}.Arn>:*]`,
        reason: 'AppSync may invoke this API\'s resolver function and its versions/aliases (the ":*" qualifier); no other function.',
      });
      // No mapping templates: direct Lambda resolvers hand AppSync's event to the handler as is.
      for (const fieldName of api.graphql.queryFields) {
        dataSource.createResolver(`Query${fieldName}`, { typeName: 'Query', fieldName });
      }
      called.healthCheckGate.node.addDependency(this.api);
    }
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
