import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BundledNodeFunction } from './bundled-node-function';
import { literalArn } from './literal-arn';
import { RetainedLogGroup } from './retained-log-group';

/** Properties of {@link IsolatedVpcFunction}. */
export interface IsolatedVpcFunctionProps {
  /** The handler's source file (exports `handler`). */
  readonly entry: string;
  /** The VPC (isolated: no route to the internet). */
  readonly vpc: ec2.IVpc;
  /**
   * Its subnets; never public ones.
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The function's security group; share one between functions that reach the same destinations.
   * @default - a new group that allows no egress (open what the function needs through `connections`)
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** Retention of its log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The function's timeout.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Its environment variables.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Reserved concurrency.
   * @default - none: it draws on the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Memory, in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * The name of its role, for a role another account must recognise (an API that maps its callers'
   * roles to consumers). Changing it replaces the role.
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * A Node.js function in an isolated VPC: Node 24 on ARM, bundled by local esbuild with nothing but
 * its own code (Node's https only, no AWS SDK), actively traced, writing to its own encrypted,
 * retained log group, with a role that may write that group and manage network interfaces in this
 * VPC, and nothing else. It is `IConnectable` (`connections`) as every Lambda function is.
 *
 * Its role and log group are siblings (`<id>Role`, `<id>Logs`) rather than children, so the logical
 * ids of functions deployed before this construct existed stay the same.
 */
export class IsolatedVpcFunction extends BundledNodeFunction {
  constructor(scope: Construct, id: string, props: IsolatedVpcFunctionProps) {
    // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- siblings keep the deployed logical ids
    const logGroup = new RetainedLogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    super(scope, id, {
      role: networkInterfaceRole(scope, `${id}Role`, logGroup, props.vpc, props.roleName),
      entry: props.entry,
      // Node's own https only: nothing from the AWS SDK belongs in the bundle.
      externalModules: [],
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ...(props.securityGroup ? { securityGroups: [props.securityGroup] } : { allowAllOutbound: false }),
      allowPublicSubnet: false,
      // Lambda records the invocation's segments itself: the functions use no X-Ray SDK, so nothing
      // in the isolated subnets needs the X-Ray endpoint (docs/operations.md, Tracing).
      tracing: lambda.Tracing.ACTIVE,
    });
    Validations.of(this).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'The function is in its VPC (unit tests assert VpcConfig); its subnet ids arrive as cross-stack references (Fn::GetStackOutput) that the rule cannot evaluate.',
    });
  }
}

/**
 * A Lambda role that may write to its own log group and manage the function's network interfaces,
 * nothing else. AWSLambdaVPCAccessExecutionRole would grant every ENI action on "*".
 */
function networkInterfaceRole(scope: Construct, id: string, logGroup: logs.ILogGroup, vpc: ec2.IVpc, roleName: string | undefined): iam.Role {
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- siblings keep the deployed logical ids
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), roleName });
  logGroup.grantWrite(role);
  const ec2Arn = (resource: string) => literalArn(role, 'ec2', resource);
  // A new interface has no VPC yet (CreateNetworkInterface offers no ec2:Vpc on it); the same
  // request also names the subnet and security group, which must be in this VPC.
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [ec2Arn('network-interface/*')] }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface'],
    resources: [ec2Arn('subnet/*'), ec2Arn('security-group/*')],
    conditions: { ArnEquals: { 'ec2:Vpc': vpc.vpcArn } },
  }));
  // Lambda checks the execution role itself when a function is created or its VPC settings
  // change, and its developer guide asks for DeleteNetworkInterface on the interface's own id
  // (unknown until Lambda creates it) or on every resource id, e.g. arn:...:ec2:<region>:<account>:*/*;
  // a statement that holds only under an ec2:Vpc condition is not one that check can rely on, and
  // CreateFunction then fails (InvalidParameterValueException, "The provided execution role does
  // not have permissions to call ... on EC2"). Assign/Unassign follow the same form. These three
  // actions take only network-interface resources, so the guide's */* grants nothing beyond
  // network-interface/*; both are listed because IAM's ARN rules do not promise that a wildcard
  // in the resource-type part matches (an IAM simulator does not), and the guide names */*.
  const everyResourceHere = ec2Arn('*/*');
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [ec2Arn('network-interface/*'), everyResourceHere],
  }));
  // Describe* support no resource-level permissions.
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }));
  const acknowledge = (resource: string, reason: string) => Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`, reason });
  acknowledge('*', 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource-level permissions; with active tracing, so do xray:PutTraceSegments and xray:PutTelemetryRecords.');
  acknowledge(
    ec2Arn('network-interface/*'),
    'CreateNetworkInterface on the new interface, whose id does not exist before the call and which carries no ec2:Vpc key (the subnet and security group of the same request are held to this VPC); ' +
      'and Delete/Assign/UnassignPrivateIpAddresses on every interface of this account and region, with no condition, because Lambda checks the execution role for them itself at CreateFunction ' +
      '(its developer guide asks for all resource ids) and the ids do not exist until Lambda creates the interfaces.',
  );
  for (const resource of ['subnet/*', 'security-group/*']) {
    acknowledge(ec2Arn(resource), 'CreateNetworkInterface in the subnets Lambda picks at run time, limited to this VPC by the ec2:Vpc condition.');
  }
  acknowledge(
    everyResourceHere,
    'Delete/Assign/UnassignPrivateIpAddresses in the form the Lambda developer guide gives (every resource id of this account and region, arn:<partition>:ec2:<region>:<account>:*/*): ' +
      'Lambda checks the execution role for these actions itself at CreateFunction and cannot rely on an ec2:Vpc condition, and the interface ids do not exist until Lambda creates them. ' +
      'The three actions take only network-interface resources, so this grants nothing beyond network-interface/*; CreateNetworkInterface, the action that places an interface in a VPC, stays held to this VPC.',
  );
  return role;
}
