/**
 * Configurations for the synth-scaling section (pure): the example config reduced to its first
 * environment (dev) with N consumer accounts.
 *
 * Every VPC on one transit gateway must have a disjoint CIDR (lib/config/validate.ts), so the
 * consumers get consecutive /20 blocks from 10.20.0.0 (10.20.0.0/20, 10.20.16.0/20, ...,
 * 10.20.240.0/20, 10.21.0.0/20, ...), clear of the dev API's 10.10.0.0/20. A /20 holds the
 * 2 AZs x (/22 workload + /28 transit) subnets. Names are `consumer-001`...; accounts are
 * 12-digit ids 900000000001... (distinct from every account of the example).
 */
import { AppConfig, ConsumerConfig } from '../../lib/config/types';

/** Largest N the address plan supports (10.20.0.0/20 up to 10.255.240.0/20). */
export const MAX_CONSUMERS = (256 - 20) * 16;
const FIRST_ACCOUNT = 900_000_000_001;

/** The i-th (0-based) consumer /20 block: 10.(20 + i / 16).((i % 16) * 16).0/20. */
export function consumerCidr(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CONSUMERS) throw new RangeError(`consumer index out of range: ${index}`);
  return `10.${20 + Math.floor(index / 16)}.${(index % 16) * 16}.0/20`;
}

export function consumer(index: number): ConsumerConfig {
  return {
    name: `consumer-${String(index + 1).padStart(3, '0')}`,
    account: String(FIRST_ACCOUNT + index),
    cidr: consumerCidr(index),
  };
}

/** `base` with only its first environment, which gets `count` generated consumers. */
export function configWithConsumers(base: AppConfig, count: number): AppConfig {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CONSUMERS) throw new RangeError(`consumer count must be 1..${MAX_CONSUMERS}, got ${count}`);
  const [first] = base.environments;
  if (first === undefined) throw new Error('the base configuration has no environment');
  const consumers = Array.from({ length: count }, (_, i) => consumer(i));
  return { ...base, environments: [{ ...first, consumers }] };
}
