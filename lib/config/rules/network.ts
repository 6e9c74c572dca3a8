import { addressPlan } from '../address-plan';
import { blockSize, cidrsOverlap, parseCidr } from '../cidr';
import { environmentField, ReportProblem } from '../errors';
import { AppConfig } from '../types';
import { gatewayKeyOf } from './connectivity';

/** A VPC's CIDR and the field it was given in. */
interface VpcCidr {
  readonly field: string;
  readonly cidr: string;
}

/** `subnets` and every VPC CIDR: each VPC holds its subnets, and VPCs that route to each other do not overlap. */
export function networkRules(config: AppConfig, report: ReportProblem): void {
  const masksValid = subnetPlanRules(config, report);
  const { workloadMask, transitMask } = config.subnets;
  const azCount = config.availabilityZones.length;
  // Which VPCs must not overlap: those that route to each other, i.e. share a transit gateway.
  // In privatelink mode nothing is routed between VPCs, so consumers may reuse any CIDR.
  const vpcsByGateway = new Map<string, VpcCidr[]>();

  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    const vpcs: VpcCidr[] = [{ field: `${at}.apiCidr`, cidr: env.apiCidr }, ...env.consumers.map((c, ci) => ({ field: `${at}.consumers[${ci}].cidr`, cidr: c.cidr }))];
    for (const vpc of vpcs) {
      const range = parseCidr(vpc.cidr);
      if (!range) {
        report(vpc.field, vpc.cidr, 'use an IPv4 CIDR whose address is the start of its block, e.g. "10.10.0.0/20".');
      } else if (range.prefix < 16 || range.prefix > 28) {
        report(vpc.field, vpc.cidr, 'a VPC CIDR must be between /16 and /28.');
      } else if (masksValid && !addressPlan(vpc.cidr, azCount, workloadMask, transitMask)) {
        // Workload slots count up from the start, transit slots down from the end: they must not meet.
        report(
          vpc.field,
          vpc.cidr,
          `too small for ${azCount} AZs: each AZ takes a /${workloadMask} workload slot and a /${transitMask} transit slot, ` +
            `${azCount * (blockSize(workloadMask) + blockSize(transitMask))} addresses in all; the block has ${blockSize(range.prefix)}. Use a larger block or smaller subnets.workloadMask ` +
            '(either change re-addresses every subnet of this VPC, replacing them; on an existing VPC, remove the added AZ instead).',
        );
      }
    }
    const gatewayKey = gatewayKeyOf(env, index);
    if (gatewayKey !== undefined) vpcsByGateway.set(gatewayKey, [...(vpcsByGateway.get(gatewayKey) ?? []), ...vpcs]);
  });

  for (const group of vpcsByGateway.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = parseCidr(group[i].cidr);
        const b = parseCidr(group[j].cidr);
        if (a && b && cidrsOverlap(a, b)) {
          report(
            group[j].field,
            group[j].cidr,
            `overlaps ${group[i].field} (${group[i].cidr}); VPCs on one transit gateway need disjoint CIDRs or routing is ambiguous. Pick a block that does not overlap.`,
          );
        }
      }
    }
  }
}

/** `subnets`: prefix lengths a VPC can hold; true when both are usable for the address plan. */
function subnetPlanRules(config: AppConfig, report: ReportProblem): boolean {
  const { workloadMask, transitMask } = config.subnets;
  let valid = true;
  if (!Number.isInteger(workloadMask) || workloadMask < 16 || workloadMask > 28) {
    report('subnets.workloadMask', workloadMask, 'use a prefix length from 16 to 28 (e.g. 22 for about 1,000 addresses per AZ).');
    valid = false;
  }
  if (!Number.isInteger(transitMask) || transitMask < 16 || transitMask > 28) {
    report('subnets.transitMask', transitMask, 'use a prefix length from 16 to 28; AWS recommends a /28 for transit gateway attachments.');
    valid = false;
  } else if (transitMask < workloadMask) {
    report('subnets.transitMask', transitMask, `the transit-gateway subnet should not be larger than the workload subnet (/${workloadMask}); use /28.`);
    valid = false;
  }
  return valid;
}
