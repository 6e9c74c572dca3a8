import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** Properties of {@link SharedParameter}. */
export interface SharedParameterProps {
  /** Full parameter name, from `sharedParameterName()` of the contract. */
  readonly parameterName: string;
  /** The value to publish (usually a token such as a resource id). */
  readonly value: string;
  /** Human description, from the contract. */
  readonly description: string;
  /**
   * Accounts allowed to read the parameter, excluding the owner, from `sharedParameterPrincipals()`.
   * An empty list (single-account sandbox) creates no RAM share.
   */
  readonly readerAccounts: readonly string[];
}

/**
 * Publishes a value to other accounts: an advanced-tier SSM parameter (the only tier RAM can
 * share) and a RAM resource share naming exactly its reader accounts. Readers use
 * {@link readSharedParameter} with the ARN computed from the same contract.
 */
export class SharedParameter extends Construct {
  /** The parameter. */
  public readonly parameter: ssm.StringParameter;
  /** The RAM share, absent when there is no reader outside the owner account. */
  public readonly share?: ram.CfnResourceShare;

  constructor(scope: Construct, id: string, props: SharedParameterProps) {
    super(scope, id);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName,
      stringValue: props.value,
      description: props.description,
      tier: ssm.ParameterTier.ADVANCED,
    });
    if (props.readerAccounts.length > 0) {
      this.share = new ram.CfnResourceShare(this, 'Share', {
        name: `${props.parameterName.replace(/^\//, '').replace(/\//g, '-')}`,
        // The literal ARN (not a Ref join) so the template shows exactly what is shared.
        resourceArns: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: props.parameterName.replace(/^\//, '') })],
        principals: [...props.readerAccounts],
        // Accounts are expected in one AWS Organization with RAM sharing enabled, so shares
        // are accepted without invitations; external principals would need a manual accept.
        allowExternalPrincipals: false,
      });
      this.share.addResourceDependency(this.parameter.node.defaultChild as CfnResource);
    }
  }
}

/**
 * Reads a parameter shared from another account by its ARN. Resolved by CloudFormation at each
 * deploy (an `AWS::SSM::Parameter::Value<String>` stack parameter), never looked up at synth.
 */
export function readSharedParameter(scope: Construct, id: string, parameterArn: string): string {
  return ssm.StringParameter.fromStringParameterArn(scope, id, parameterArn).stringValue;
}
