import * as path from 'node:path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GRAPHQL_PREFIX_ENV } from '../runtime/graphql-resolver/src/graphql-prefix';
import { HealthCheckGate } from './health-check-gate';
import { IsolatedVpcFunction } from './isolated-vpc-function';

/** Default reserved concurrency of an API's resolver (see CalledApiProps.resolverConcurrency). */
export const DEFAULT_RESOLVER_CONCURRENCY = 20;

/** The resolver runtime's folder: the shared client and the deploy-time health check. */
export const RESOLVER_DIR = path.join(__dirname, '..', 'runtime', 'graphql-resolver');

/** Properties of {@link CalledApi}. */
export interface CalledApiProps {
  /** The consumer VPC (isolated). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the Lambda functions (the workload subnets).
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The only destination the functions may reach (443): this API's VPC CIDR over a transit
   * gateway, or the security group of the interface endpoint to it (PrivateLink).
   */
  readonly destination: ec2.IPeer;
  /** `https://<api domain>`, usually read from the API's shared parameter. */
  readonly baseUrl: string;
  /** The direct Lambda resolver of this API's GraphQL fields (from its runtime folder). */
  readonly resolverEntry: string;
  /** Retention of the functions' logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The prefix this API's GraphQL names carry in the consumer's schema (apis[].graphqlPrefix): the
   * resolver gets it in GRAPHQL_PREFIX, since AppSync hands it the schema's field name
   * (`archiveItem`), not the fragment's (`item`).
   * @default - no prefix
   */
  readonly graphqlPrefix?: string;
  /**
   * Values whose change must re-run the deploy-time health check (the API's revision, its
   * certificate, the network path). The check always re-runs when its own code changes.
   * @default - none beyond the endpoint URL
   */
  readonly healthCheckInputs?: Record<string, string>;
  /**
   * Reserved concurrency of the resolver: at most this many invocations run at once, so at most
   * this many calls to this API are in flight from this consumer. The account's concurrency quota
   * must leave 10 unreserved: a new account whose quota is still 10 must ask for more first
   * (Service Quotas, Lambda "Concurrent executions", L-B99A9384).
   * @default 20
   */
  readonly resolverConcurrency?: number;
  /**
   * Names of the resolver's and the health check's roles: the API's account recognises its callers
   * by these (see callerRoleName in lib/config/names.ts).
   * @default - names CloudFormation generates
   */
  readonly roleNames?: { readonly resolver: string; readonly healthCheck: string };
  /**
   * How the functions prove who they are to the API: a caller token bound to the API's name
   * (API_AUDIENCE; the API accepts a token made for it only), or a SigV4 signature for VPC Lattice
   * (API_SIGNING=lattice; the roles get vpc-lattice-svcs:Invoke on the API's service).
   * @default - no proof is sent
   */
  readonly authentication?: CallerAuthentication;
}

/** How a consumer's functions prove their identity to an API, by connectivity mode. */
export type CallerAuthentication =
  | { readonly kind: 'caller-token'; readonly audience: string }
  | { readonly kind: 'lattice'; readonly serviceArn: string };

function authenticationEnvironment(authentication: CallerAuthentication | undefined): Record<string, string> {
  if (authentication?.kind === 'caller-token') return { API_AUDIENCE: authentication.audience };
  if (authentication?.kind === 'lattice') return { API_SIGNING: 'lattice' };
  return {};
}

/**
 * What a consumer has for one API it may call: a resolver function and a deploy-time health
 * check, both in the consumer VPC behind one security group whose only egress is 443 to this API,
 * and the gate that runs the check on each deploy whose inputs changed. A function of one API
 * cannot reach another: each API a consumer calls has its own group.
 */
export class CalledApi extends Construct implements ec2.IConnectable {
  /** The resolver function. */
  public readonly resolver: IsolatedVpcFunction;
  /** The health-check function run by the gate. */
  public readonly healthCheck: IsolatedVpcFunction;
  /** The custom resource that runs the health check during deployment (the promotion gate). */
  public readonly healthCheckGate: HealthCheckGate;
  /** The functions' security group (egress 443 to this API only). */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The functions' network connections (their one security group). */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: CalledApiProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `GraphQL resolver of ${id}: HTTPS to that API only`,
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(props.destination, ec2.Port.tcp(443), `HTTPS to ${id}`);
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });

    const environment = { API_BASE_URL: props.baseUrl, NODE_OPTIONS: '--enable-source-maps', ...authenticationEnvironment(props.authentication) };
    const resolverConcurrency = props.resolverConcurrency ?? DEFAULT_RESOLVER_CONCURRENCY;
    if (!Number.isInteger(resolverConcurrency) || resolverConcurrency < 1) {
      throw new Error(`${this.node.path}: resolverConcurrency must be a positive integer, got ${resolverConcurrency}; ` +
        'it bounds the API calls in flight from this consumer (e.g. 20).');
    }
    const inVpc = { vpc: props.vpc, subnets: props.subnets, securityGroup: this.securityGroup, logRetention: props.logRetention, environment };
    this.resolver = new IsolatedVpcFunction(this, 'Resolver', {
      ...inVpc,
      // Set only with a prefix: an unprefixed API's function stays as it was, byte for byte.
      environment: props.graphqlPrefix ? { ...environment, [GRAPHQL_PREFIX_ENV]: props.graphqlPrefix } : environment,
      entry: props.resolverEntry,
      roleName: props.roleNames?.resolver,
      // Well under AppSync's 30 s resolver limit; the client's own request timeout is 5 s.
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: resolverConcurrency,
    });
    this.healthCheck = new IsolatedVpcFunction(this, 'HealthCheck', {
      ...inVpc,
      entry: path.join(RESOLVER_DIR, 'src', 'healthcheck.ts'),
      roleName: props.roleNames?.healthCheck,
      // The check retries for up to 60 s while fresh targets register.
      timeout: Duration.seconds(90),
    });
    for (const fn of [this.resolver, this.healthCheck]) {
      Validations.of(fn).acknowledge({
        id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
        reason: 'Invoked synchronously only (AppSync, and the health-check gate with RequestResponse); a DLQ receives failed asynchronous invocations and would stay empty.',
      });
    }
    if (props.authentication?.kind === 'lattice') {
      // Lattice evaluates the caller's identity policy as well as the service's auth policy: both must allow.
      const serviceArn = props.authentication.serviceArn;
      const invoke = new iam.PolicyStatement({ actions: ['vpc-lattice-svcs:Invoke'], resources: [`${serviceArn}/*`] });
      // cdk-nag names a referenced value by its logical id: <LatticeServiceArn...Parameter>/*.
      const reference = Token.isUnresolved(serviceArn) ? (Stack.of(this).resolve(serviceArn) as { Ref?: string }).Ref : undefined;
      const shown = reference ? `<${reference}>` : serviceArn;
      for (const fn of [this.resolver, this.healthCheck]) {
        fn.addToRolePolicy(invoke);
        Validations.of(fn.role!).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${shown}/*]`,
          reason: 'vpc-lattice-svcs:Invoke on every path of this one API\'s Lattice service (its ARN, then /<path>): the service\'s auth policy names this role, and the API decides per route.',
        });
      }
    }
    Validations.of(this.healthCheck).acknowledge({
      id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
      reason: 'Invoked once per deployment by the health-check gate, never by callers: there is no load to bound, and a reservation would only take account concurrency from the resolver.',
    });

    this.healthCheckGate = new HealthCheckGate(this, 'HealthCheckGate', {
      checkFunction: this.healthCheck,
      checkedInputs: { apiBaseUrl: props.baseUrl, ...props.healthCheckInputs },
      logRetention: props.logRetention,
    });
    this.healthCheckGate.node.addDependency(this.resolver);
  }
}
