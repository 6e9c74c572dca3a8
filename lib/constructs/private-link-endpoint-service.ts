import * as path from 'node:path';
import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DeployTimeFunction } from './deploy-time-function';
import { RetainedLogGroup } from './retained-log-group';
import { StackEncryptionKey } from './stack-encryption-key';

/** Construct id of the stack-wide provider function of `AwsCustomResource` (its fixed UUID). */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Properties of {@link PrivateLinkEndpointService}. */
export interface PrivateLinkEndpointServiceProps {
  /** The API's internal NLB, with its TLS listener: the same one transit-gateway mode uses. */
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
  /** The only accounts that may create an interface endpoint to the service; at least one. */
  readonly allowedAccounts: readonly string[];
  /** The API's name, e.g. `api.dev.example.com`: the endpoints' private DNS name. */
  readonly privateDnsName: string;
  /** The API's own public subzone, where AWS looks for the TXT record proving the name is ours. */
  readonly zone: route53.IPublicHostedZone;
}

/**
 * The API's load balancer as a VPC endpoint service (PrivateLink), for consumers that reach it
 * through an interface endpoint instead of a transit gateway. Only the listed accounts may connect,
 * connections are accepted without a manual step, and the API's name is the endpoints' private DNS
 * name, verified through a TXT record in the API's own zone so the consumers call the same URL and
 * check the same certificate as over the transit gateway.
 */
export class PrivateLinkEndpointService extends Construct {
  /** The endpoint service. */
  public readonly endpointService: ec2.VpcEndpointService;
  /** `com.amazonaws.vpce.<region>.vpce-svc-...`: what a consumer's interface endpoint names. */
  public readonly serviceName: string;
  /**
   * Completes once AWS has verified the private DNS name: what publishes the service to consumers
   * must depend on it (a consumer endpoint with private DNS fails while the name is pending).
   */
  public readonly privateDnsVerified: CustomResource;

  constructor(scope: Construct, id: string, props: PrivateLinkEndpointServiceProps) {
    super(scope, id);
    if (props.allowedAccounts.length === 0) {
      throw new Error(`${this.node.path}: allowedAccounts is empty; list the consumer accounts that may connect.`);
    }
    this.endpointService = new ec2.VpcEndpointService(this, 'EndpointService', {
      vpcEndpointServiceLoadBalancers: [props.loadBalancer],
      // Exactly the consumer accounts (their root principal: the account, whose IAM then decides
      // which of its roles may create the endpoint); never "*".
      allowedPrincipals: [...new Set(props.allowedAccounts)].map((account) => new iam.AccountPrincipal(account)),
      // No manual acceptance: every consumer endpoint is created by a pipeline deploy, whose health
      // check would fail while a connection waits for someone to accept it. The allow-list above
      // is the control; acceptance would only add a manual step for the same accounts.
      acceptanceRequired: false,
    });
    this.serviceName = this.endpointService.vpcEndpointServiceName;

    const privateDns = new route53.VpcEndpointServiceDomainName(this, 'PrivateDnsName', {
      endpointService: this.endpointService,
      domainName: props.privateDnsName,
      publicHostedZone: props.zone,
    });
    Validations.of(privateDns.node.findChild('GetNames')).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeVpcEndpointServiceConfigurations (reading the TXT name and value AWS asks for) supports no resource-level permissions (Service Authorization Reference).',
    });
    // Its custom resources run on the stack's AwsCustomResource provider function, whose role
    // the construct creates with no way to pass ours.
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider) {
      // Its log group, encrypted with the stack's key like every other log group here.
      const logGroup = provider.node.tryFindChild('LogGroup')?.node.defaultChild;
      if (logGroup instanceof logs.CfnLogGroup) logGroup.kmsKeyId = StackEncryptionKey.of(this).keyArn;
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The provider role of aws-cdk-lib\'s VpcEndpointServiceDomainName (no role can be passed); the managed policy only lets the function write its own CloudWatch logs.',
      });
    }
    this.privateDnsVerified = this.waitForVerification(privateDns, props.privateDnsName);
  }

  /** A custom resource that completes when the name is verified (lib/runtime/private-dns-verification). */
  private waitForVerification(privateDns: route53.VpcEndpointServiceDomainName, name: string): CustomResource {
    const logGroup = new RetainedLogGroup(this, 'VerificationLogs');
    const role = new iam.Role(this, 'VerificationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const serviceArn = Stack.of(this).formatArn({ service: 'ec2', resource: 'vpc-endpoint-service', resourceName: this.endpointService.vpcEndpointServiceId });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:StartVpcEndpointServicePrivateDnsVerification'], resources: [serviceArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeVpcEndpointServiceConfigurations'], resources: ['*'] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeVpcEndpointServiceConfigurations (reading the verification state) supports no resource-level permissions (Service Authorization Reference); the only write, StartVpcEndpointServicePrivateDnsVerification, is scoped to this service.',
    });
    const handler = new DeployTimeFunction(this, 'VerificationHandler', {
      entry: path.join(__dirname, '..', 'runtime', 'private-dns-verification', 'src', 'lambda.ts'),
      role,
      logGroup,
      // Lambda's maximum: AWS usually verifies within minutes of the TXT record; the handler answers
      // CloudFormation itself before this, failing with the record to check when it is still pending.
      timeout: Duration.minutes(15),
    });
    const verified = new CustomResource(this, 'PrivateDnsVerified', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::PrivateDnsVerification',
      serviceTimeout: Duration.minutes(16),
      properties: { ServiceId: this.endpointService.vpcEndpointServiceId, PrivateDnsName: name },
    });
    // After the TXT record exists and a verification has started; the role outlives the call.
    verified.node.addDependency(privateDns, role);
    return verified;
  }
}
