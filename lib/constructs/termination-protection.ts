import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { StackEncryptionKey } from './stack-encryption-key';

/**
 * Turns on termination protection of its own stack once everything else in the stack exists, from
 * inside the template, so it behaves the same whether the CLI or CDK Pipelines deploys the stack.
 *
 * Why not `Stack.terminationProtection`: CDK Pipelines' CloudFormation actions ignore it
 * (aws-cdk#17871), and on the CLI path it is set when the stack is created, so a first deploy
 * that fails (e.g. on a missing ECS service-linked role) leaves a ROLLBACK_COMPLETE stack that
 * neither `cdk deploy` nor `cdk destroy` can remove until protection is turned off by hand. Here
 * protection comes on only after a successful create; the delete handler does nothing, so
 * turning protection off by hand is all a deliberate teardown needs.
 */
export class TerminationProtection extends Construct {
  /** Protects the stack of `scope`; call it last, after every other construct of the stack. */
  public static of(scope: IConstruct): TerminationProtection {
    const stack = Stack.of(scope);
    const everythingElse = [...stack.node.children];
    const protection = new TerminationProtection(stack, 'TerminationProtection');
    // After everything else: a failed create never ran it, so the stack stays removable.
    protection.enable.node.addDependency(...everythingElse);
    return protection;
  }

  /** The custom resource that turns protection on. */
  private readonly enable: cr.AwsCustomResource;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: StackEncryptionKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Its own role: write its log, change this one stack's protection; no managed policy.
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const enable: cr.AwsSdkCall = {
      service: 'CloudFormation',
      action: 'updateTerminationProtection',
      parameters: { StackName: Aws.STACK_ID, EnableTerminationProtection: true },
      physicalResourceId: cr.PhysicalResourceId.of('termination-protection'),
    };
    this.enable = new cr.AwsCustomResource(this, 'Enable', {
      role,
      logGroup,
      onCreate: enable,
      onUpdate: enable,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['cloudformation:UpdateTerminationProtection'], resources: [Aws.STACK_ID] }),
      ]),
      installLatestAwsSdk: false,
    });
  }
}
