import { azIdPrefix, azIdRegionPrefix, isAzId } from '../availability-zones';
import { ReportProblem } from '../errors';
import { regionProblem } from '../regions';
import { AppConfig } from '../types';

/** `region` and `availabilityZones`: the VPCs are built from these, never from a lookup. */
export function regionRules(config: AppConfig, report: ReportProblem): void {
  const problem = regionProblem(config.region);
  if (problem) report('region', config.region, problem);
  const regionValid = problem === undefined;

  const azs = config.availabilityZones;
  if (azs.length < 2) {
    report('availabilityZones', azs, 'list at least 2 availability zones of the region (the NLB and the service need two AZs to survive one failing).');
  }
  // AZ ids (euw1-az1) name the same physical zone in every account; names (eu-west-1a) do not.
  const idPrefix = regionValid ? azIdPrefix(config.region) : undefined;
  azs.forEach((az, i) => {
    if (isAzId(az)) {
      if (idPrefix && azIdRegionPrefix(az) !== idPrefix) {
        report(`availabilityZones[${i}]`, az, `this AZ id is not in region ${config.region}; its ids start with "${idPrefix}-", e.g. "${idPrefix}-az1" (aws ec2 describe-availability-zones --region ${config.region}).`);
      }
    } else if (regionValid && !new RegExp(`^${config.region}[a-z]$`).test(az)) {
      report(
        `availabilityZones[${i}]`,
        az,
        `not an availability zone of region ${config.region}; use an AZ id such as "${idPrefix ?? 'euw1'}-az1" (the same zone in every account) or a zone name such as "${config.region}a".`,
      );
    }
  });
  if (azs.some(isAzId) && !azs.every(isAzId)) {
    report('availabilityZones', azs, 'use AZ ids for every zone (recommended across accounts) or names for every zone, not a mix.');
  }
  if (new Set(azs).size !== azs.length) report('availabilityZones', azs, 'list each availability zone once.');
}
