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

/**
 * `subnets` and every VPC CIDR: each VPC holds its subnets, and VPCs that routing must tell apart
 * do not overlap. On a gateway this app creates, routing follows the matrix, so only those pairs
 * must be disjoint: a consumer and each API it calls, two APIs one consumer calls, two consumers
 * one API answers. On an imported gateway (its route tables are someone else's, and it may serve
 * several environments) every VPC on it must be. In privatelink mode nothing is routed between
 * VPCs, so any CIDR may repeat.
 */
export function networkRules(config: AppConfig, report: ReportProblem): void {
  const masksValid = subnetPlanRules(config, report);
  const { workloadMask, transitMask } = config.subnets;
  const azCount = config.availabilityZones.length;
  const vpcsByImportedGateway = new Map<string, VpcCidr[]>();

  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    const apiVpcs = new Map(env.apis.map((a, ai) => [a.name, { field: `${at}.apis[${ai}].cidr`, cidr: a.cidr }]));
    const consumerVpcs = new Map(env.consumers.map((c, ci) => [c.name, { field: `${at}.consumers[${ci}].cidr`, cidr: c.cidr }]));
    const vpcs = [...apiVpcs.values(), ...consumerVpcs.values()];
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
    if (gatewayKey === undefined) return;
    if (gatewayKey.startsWith('import:')) {
      vpcsByImportedGateway.set(gatewayKey, [...(vpcsByImportedGateway.get(gatewayKey) ?? []), ...vpcs]);
      return;
    }
    // Pairs routing must tell apart, each reported once, on the later field.
    const pairs = new Map<string, [VpcCidr, VpcCidr]>();
    const need = (a: VpcCidr | undefined, b: VpcCidr | undefined) => {
      if (a && b && a !== b) pairs.set([a.field, b.field].sort().join(' '), vpcs.indexOf(a) < vpcs.indexOf(b) ? [a, b] : [b, a]);
    };
    for (const consumer of env.consumers) {
      const called = consumer.calls.map((name) => apiVpcs.get(name));
      for (const api of called) need(consumerVpcs.get(consumer.name), api);
      called.forEach((a, i) => called.slice(i + 1).forEach((b) => need(a, b)));
    }
    for (const api of env.apis) {
      const callers = env.consumers.filter((c) => c.calls.includes(api.name)).map((c) => consumerVpcs.get(c.name));
      callers.forEach((a, i) => callers.slice(i + 1).forEach((b) => need(a, b)));
    }
    for (const [first, second] of pairs.values()) reportOverlap(first, second, 'they route to each other, or to a VPC in common, over the transit gateway', report);
  });

  for (const group of vpcsByImportedGateway.values()) {
    group.forEach((a, i) => group.slice(i + 1).forEach((b) => reportOverlap(a, b, 'VPCs on one imported transit gateway need disjoint CIDRs (its routing is not this app\'s)', report)));
  }
}

/** Reports `second` when it overlaps `first`. */
function reportOverlap(first: VpcCidr, second: VpcCidr, why: string, report: ReportProblem): void {
  const a = parseCidr(first.cidr);
  const b = parseCidr(second.cidr);
  if (a && b && cidrsOverlap(a, b)) {
    report(second.field, second.cidr, `overlaps ${first.field} (${first.cidr}); ${why}, so routing would be ambiguous. Pick a block that does not overlap.`);
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
