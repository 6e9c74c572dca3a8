import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct } from 'constructs';
import { PolicyDocumentJson } from '../config/lattice-policies';
import { LatticeAuthPolicy } from './lattice-auth-policy';

/** Properties of {@link LatticeServiceNetwork}. */
export interface LatticeServiceNetworkProps {
  /** The network's name: 3-63 lowercase letters, digits or hyphens. */
  readonly name: string;
  /** Its auth policy (latticeNetworkPolicy): who may call any service of the network at all. */
  readonly policy: PolicyDocumentJson;
}

const NAME = /^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/;

/**
 * A VPC Lattice service network with IAM auth: every request is signed and checked against its
 * auth policy, then against the service's own. Services and VPCs of other accounts join it by
 * its ARN once it is shared with them (AWS RAM).
 */
export class LatticeServiceNetwork extends Construct {
  /** The network. */
  public readonly serviceNetwork: vpclattice.CfnServiceNetwork;
  /** Its ARN (a service or VPC of another account must use the ARN, not the id). */
  public readonly serviceNetworkArn: string;

  constructor(scope: Construct, id: string, props: LatticeServiceNetworkProps) {
    super(scope, id);
    if (!NAME.test(props.name)) {
      throw new Error(`${this.node.path}: service network name "${props.name}" must be 3-63 lowercase letters, digits or single hyphens, not starting or ending with one; shorten projectName or the environment's name.`);
    }
    this.serviceNetwork = new vpclattice.CfnServiceNetwork(this, 'Resource', { name: props.name, authType: 'AWS_IAM' });
    this.serviceNetworkArn = this.serviceNetwork.attrArn;
    new LatticeAuthPolicy(this, 'AuthPolicy', { resourceIdentifier: this.serviceNetwork.attrArn, policy: props.policy });
  }
}
