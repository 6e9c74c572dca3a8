/** IPv4 CIDR arithmetic for config validation (no dependency needed for four functions). */

/** A parsed IPv4 CIDR block: first and last address as unsigned 32-bit numbers. */
export interface CidrRange {
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns `undefined` for anything malformed or with host bits set. */
export function parseCidr(cidr: string): CidrRange | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { first: address, last: address + size - 1, prefix };
}

/** Number of addresses in a block of the given prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: CidrRange, b: CidrRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** A CIDR as a string safe for construct ids: `10.20.0.0/20` -> `10-20-0-0-20`. */
export function cidrToId(cidr: string): string {
  return cidr.replace(/[./]/g, '-');
}

/** `10.10.0.0/22` from the first address and the prefix length. */
export function formatCidr(first: number, prefix: number): string {
  return `${[24, 16, 8, 0].map((shift) => (first >>> shift) & 255).join('.')}/${prefix}`;
}
