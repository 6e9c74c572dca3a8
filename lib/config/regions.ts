import { RegionInfo } from 'aws-cdk-lib/region-info';
import { closest } from './suggest';

/**
 * Regions and partitions, from aws-cdk-lib's region list (RegionInfo), not a list of ours. The
 * AZ-id naming of a region is in `availability-zones.ts`.
 */

/** The partitions this design is built and checked for (see {@link regionProblem}). */
export const SUPPORTED_PARTITIONS: readonly string[] = ['aws'];

/** The partition of a region aws-cdk-lib knows, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
export function partitionOfRegion(region: string): string | undefined {
  return RegionInfo.regions.find((r) => r.name === region)?.partition;
}

/**
 * Why `region` cannot be used, or undefined.
 * Only the `aws` partition is accepted: the design needs AppSync (in aws-cn only in Beijing),
 * a public Route 53 delegation and DNS-validated ACM certificates (in China a public name needs
 * an ICP recordal) and CodeConnections, and none of it has been synthesized and checked against
 * the cdk-nag and cfn-guard packs elsewhere. ARNs are still built with the partition, so
 * lifting this is a matter of that verification.
 */
export function regionProblem(region: string): string | undefined {
  const partition = partitionOfRegion(region);
  if (partition === undefined) {
    const suggestion = closest(region, RegionInfo.regions.map((r) => r.name));
    return `not a region aws-cdk-lib knows${suggestion ? `; did you mean "${suggestion}"?` : '; use a region code such as "eu-west-1".'}`;
  }
  if (!SUPPORTED_PARTITIONS.includes(partition)) {
    return `${region} is in the "${partition}" partition; this design is built and checked for the "aws" partition only ` +
      '(AppSync, public Route 53 delegation with DNS-validated ACM certificates and CodeConnections are not verified there). Use a region of the "aws" partition.';
  }
  return undefined;
}
