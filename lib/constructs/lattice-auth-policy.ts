import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct } from 'constructs';
import { LATTICE_AUTH_POLICY_MAX_BYTES, PolicyDocumentJson, policyBytes } from '../config/lattice-policies';

/** Properties of {@link LatticeAuthPolicy}. */
export interface LatticeAuthPolicyProps {
  /** The ARN or id of the service or service network the policy governs. */
  readonly resourceIdentifier: string;
  /** The policy (see lib/config/lattice-policies.ts). */
  readonly policy: PolicyDocumentJson;
}

/**
 * The auth policy of a VPC Lattice service or service network, checked at synth against AWS's
 * 10 KB limit (not adjustable), which CloudFormation would otherwise report mid-deploy.
 */
export class LatticeAuthPolicy extends Construct {
  /** The policy resource. */
  public readonly resource: vpclattice.CfnAuthPolicy;

  constructor(scope: Construct, id: string, props: LatticeAuthPolicyProps) {
    super(scope, id);
    const bytes = policyBytes(props.policy);
    if (bytes > LATTICE_AUTH_POLICY_MAX_BYTES) {
      throw new Error(`${this.node.path}: the auth policy is ${bytes} bytes, over VPC Lattice's ${LATTICE_AUTH_POLICY_MAX_BYTES} (10 KB, not adjustable); ` +
        'give the service fewer callers (split the API) or shorter consumer and project names.');
    }
    this.resource = new vpclattice.CfnAuthPolicy(this, 'Resource', { resourceIdentifier: props.resourceIdentifier, policy: props.policy });
  }
}
