import { AppConfig } from '../../lib/config/types';

/** A deep, mutable copy of a configuration, for a variant to bend. */
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

/**
 * The configurations `npm run validate` checks beside the example, each the example bent to
 * exercise a mode the example does not use (tests build the same variants):
 * - `lattice`: the first environment in VPC Lattice mode, with a second consumer whose VPC reuses
 *   the first API's CIDR (allowed: nothing is routed between VPCs) and which calls the first API
 *   only, so the environment holds a pair the matrix denies; the other environments unchanged.
 */
export const VARIANTS = {
  lattice: (config: AppConfig): AppConfig => {
    const copy = structuredClone(config) as Mutable<AppConfig>;
    const env = copy.environments[0];
    env.connectivity = 'lattice';
    delete env.transitGateway;
    env.consumers = [
      { name: 'storefront', account: '555555555555', cidr: env.apis[0].cidr, calls: env.apis.map((a) => a.name) },
      { name: 'billing', account: '121212121212', cidr: env.apis[0].cidr, calls: [env.apis[0].name] },
    ];
    return copy as AppConfig;
  },
} as const;

export type VariantName = keyof typeof VARIANTS;
