import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { RetainedLogGroup } from './retained-log-group';

/**
 * Turns on termination protection of its own stack once everything else in the stack exists, from
 * inside the template, for the deploy path that ignores `Stack.terminationProtection`: CDK
 * Pipelines' CloudFormation actions have no such setting (aws-cdk#17871). Protection comes on only
 * after a successful create; the delete handler does nothing, so turning protection off by hand is
 * all a deliberate teardown needs.
 *
 * The stack must also set `terminationProtection: true`: the CLI compares the manifest's value
 * with the deployed stack on every deploy and applies the manifest's on a mismatch, and this
 * resource runs again only when its properties change, so a manifest saying `false` would leave
 * the stack unprotected after the next `cdk deploy`. The price on the CLI path: a failed first
 * create leaves a protected ROLLBACK_COMPLETE stack that `cdk deploy` cannot delete until
 * protection is turned off by hand.
 */
export class TerminationProtection extends Construct {
  /** Protects the stack of `scope`; call it last, after every other construct of the stack. */
  public static of(scope: IConstruct): TerminationProtection {
    const stack = Stack.of(scope);
    if (!stack.terminationProtection) {
      throw new Error(`${stack.node.path}: terminationProtection is false; set terminationProtection: true on the stack, or the next \`cdk deploy\` turns off what this resource turned on.`);
    }
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
    const logGroup = new RetainedLogGroup(this, 'Logs');
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
