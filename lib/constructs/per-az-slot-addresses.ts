import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AddressPlan } from '../config/address-plan';

/**
 * `ec2.Vpc` IP address management that places each subnet in its AZ's slot of the
 * {@link AddressPlan} instead of packing subnets by AZ count: with `IpAddresses.cidr`, adding
 * a third AZ moves the transit subnets and overlaps the old ones, so the update fails.
 */
export class PerAzSlotAddresses implements ec2.IIpAddresses {
  /**
   * @param cidr the VPC's CIDR
   * @param availabilityZones the AZs in config order: an AZ's position is its slot
   * @param plan the plan for those AZs, by subnet group name
   */
  constructor(
    private readonly cidr: string,
    private readonly availabilityZones: readonly string[],
    private readonly plan: Readonly<Record<string, AddressPlan['workload']>>,
  ) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.cidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    return {
      allocatedSubnets: input.requestedSubnets.map((subnet) => {
        const slot = this.availabilityZones.indexOf(subnet.availabilityZone);
        const cidr = this.plan[subnet.configuration.name]?.[slot];
        if (cidr === undefined) {
          throw new Error(`No address slot for subnet group "${subnet.configuration.name}" in ${subnet.availabilityZone}; the plan covers ${Object.keys(this.plan).join(', ')} in ${this.availabilityZones.join(', ')}.`);
        }
        return { cidr };
      }),
    };
  }
}
