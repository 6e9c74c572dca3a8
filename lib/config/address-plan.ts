import { blockSize, formatCidr, parseCidr } from './cidr';

/**
 * The per-AZ address plan of every VPC. Each AZ owns a slot given by its position in
 * `availabilityZones`: workload subnets are counted up from the start of the VPC's block, transit
 * subnets down from its end. An AZ's CIDRs therefore depend only on its position, the VPC CIDR and
 * the masks: appending an AZ never moves an existing subnet (a plan computed from the AZ count
 * would, and its new workload subnet would overlap the old transit subnet, failing the update).
 */
export interface AddressPlan {
  /** Workload subnet CIDR of each AZ, by position. */
  readonly workload: readonly string[];
  /** Transit-gateway attachment subnet CIDR of each AZ, by position. */
  readonly transit: readonly string[];
}

/**
 * The plan for `azCount` AZs, or `undefined` when the VPC CIDR is malformed or the two ends meet
 * (the AZs do not fit): validation reports that, so builders can rely on a plan.
 */
export function addressPlan(vpcCidr: string, azCount: number, workloadMask: number, transitMask: number): AddressPlan | undefined {
  const vpc = parseCidr(vpcCidr);
  if (!vpc || workloadMask < vpc.prefix || transitMask < vpc.prefix) return undefined;
  const workloadSize = blockSize(workloadMask);
  const transitSize = blockSize(transitMask);
  if (azCount * (workloadSize + transitSize) > blockSize(vpc.prefix)) return undefined;
  const slots = [...Array(azCount).keys()];
  return {
    workload: slots.map((i) => formatCidr(vpc.first + i * workloadSize, workloadMask)),
    // vpc.last + 1 is aligned to the VPC block, hence to any smaller block.
    transit: slots.map((i) => formatCidr(vpc.last + 1 - (i + 1) * transitSize, transitMask)),
  };
}
