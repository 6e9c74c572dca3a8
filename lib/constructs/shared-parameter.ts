import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EnvironmentVpc, SHARED_PARAMETERS, SharedParameterKey, sharedParameterArn, sharedParameterName, sharedParameterPrincipals } from '../config/shared-parameters';
import { AppConfig, EnvironmentConfig } from '../config/types';

/** Which entry of the shared-parameter contract: the same for the writer and every reader. */
export interface SharedParameterRef {
  /** The whole configuration. */
  readonly config: AppConfig;
  /** The environment the value belongs to. */
  readonly environment: EnvironmentConfig;
  /** The entry of the contract. */
  readonly key: SharedParameterKey;
  /**
   * The VPC, for an entry that exists once per VPC.
   * @default - none (the entry is per environment)
   */
  readonly vpc?: EnvironmentVpc;
}

/** Properties of {@link SharedParameter}. */
export interface SharedParameterProps extends SharedParameterRef {
  /** The value to publish (usually a token such as a resource id). */
  readonly value: string;
}

/**
 * The one way to publish a value to other accounts, and ({@link SharedParameter.read}) the one way
 * to read it: an advanced-tier SSM parameter (the only tier RAM can share) and a RAM resource
 * share naming exactly its reader accounts, with name, description and readers taken from the
 * contract (lib/config/shared-parameters.ts), so writer and readers cannot disagree.
 */
export class SharedParameter extends Construct {
  /**
   * Reads a value another account publishes, by the ARN the contract computes. Resolved by
   * CloudFormation at each deploy (an `AWS::SSM::Parameter::Value<String>` stack parameter), never
   * looked up at synth.
   */
  public static read(scope: Construct, id: string, ref: SharedParameterRef): string {
    return ssm.StringParameter.fromStringParameterArn(scope, id, sharedParameterArn(ref.config, ref.environment, ref.key, ref.vpc)).stringValue;
  }

  /** The parameter. */
  public readonly parameter: ssm.StringParameter;
  /** The RAM share, absent when there is no reader outside the owner account. */
  public readonly share?: ram.CfnResourceShare;

  constructor(scope: Construct, id: string, props: SharedParameterProps) {
    super(scope, id);
    const parameterName = sharedParameterName(props.config, props.environment, props.key, props.vpc);
    const readerAccounts = sharedParameterPrincipals(props.config, props.environment, props.key, props.vpc);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName,
      stringValue: props.value,
      description: SHARED_PARAMETERS[props.key].description,
      tier: ssm.ParameterTier.ADVANCED,
    });
    if (readerAccounts.length > 0) {
      this.share = new ram.CfnResourceShare(this, 'Share', {
        name: `${parameterName.replace(/^\//, '').replace(/\//g, '-')}`,
        // The literal ARN (not a Ref join) so the template shows exactly what is shared.
        resourceArns: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') })],
        principals: readerAccounts,
        // Accounts are expected in one AWS Organization with RAM sharing enabled, so shares
        // are accepted without invitations; external principals would need a manual accept.
        allowExternalPrincipals: false,
      });
      this.share.addResourceDependency(this.parameter.node.defaultChild as CfnResource);
    }
  }
}
