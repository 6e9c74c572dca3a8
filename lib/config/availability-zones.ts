/**
 * Availability zones in config. AZ names (`eu-west-1a`) map to different physical zones in
 * each account, so a cross-account design names zones by AZ id (`euw1-az1`), the same zone in
 * every account. Names are still accepted (a single-account sandbox, or a deployment made before
 * ids were supported, whose subnets would otherwise be replaced).
 */

/** `euw1-az1`: the region's short code, `-az`, a number. */
const AZ_ID = /^([a-z]+\d+)-az(\d+)$/;

/** True when `zone` has the form of an AZ id (`euw1-az1`), whatever its region. */
export function isAzId(zone: string): boolean {
  return AZ_ID.test(zone);
}

/**
 * The prefix of the region's AZ ids: area, `g` for GovCloud, the initials of the direction,
 * the number (`eu-west-1` -> `euw1`, `ap-northeast-1` -> `apne1`, `us-gov-west-1` -> `usgw1`,
 * `cn-northwest-1` -> `cnnw1`). `undefined` for a string that is not a region code.
 */
export function azIdPrefix(region: string): string | undefined {
  const match = /^([a-z]{2})-(gov-)?((?:north|south|east|west|central)+)-(\d+)$/.exec(region);
  if (!match) return undefined;
  const [, area, gov, direction, number] = match;
  return `${area}${gov ? 'g' : ''}${direction.replace(/north|south|east|west|central/g, (word) => word[0])}${number}`;
}

/** The region an AZ id belongs to is the one whose prefix it carries; `undefined` for a non-id. */
export function azIdRegionPrefix(zone: string): string | undefined {
  return AZ_ID.exec(zone)?.[1];
}
