import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppConfig } from '../config/types';

/** Properties of {@link AccountStack}. */
export interface AccountStackProps extends Omit<StackProps, 'env'> {
  /** The whole configuration (region and AZs come from it). */
  readonly config: AppConfig;
  /** The account this stack deploys to. */
  readonly account: string;
}

/**
 * Base of every stack: pinned to an account and the configured region, with availability zones
 * taken from config. `ec2.Vpc` reads `stack.availabilityZones` even when given explicit AZs,
 * which for an account-bound stack is a context lookup; overriding it keeps synth offline.
 */
export class AccountStack extends Stack {
  private readonly configuredAzs: readonly string[];

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    const { config, account, ...stackProps } = props;
    super(scope, id, { ...stackProps, env: { account, region: config.region } });
    this.configuredAzs = config.availabilityZones;
  }

  /** The configured AZs, never looked up. */
  public override get availabilityZones(): string[] {
    return [...this.configuredAzs];
  }
}
