import { AppConfig } from '../../lib/config/types';
import { configWith, deepFreeze } from '../helpers';

/**
 * The example configuration with `dev` in lattice mode: its APIs, and two consumers whose VPCs
 * reuse the first API's CIDR (allowed: nothing is routed between them), billing calling the first
 * API only (a pair the matrix denies in this mode too); `prod` stays on its transit gateway.
 * Frozen, like the example: several tests share it.
 */
export const latticeConfig: AppConfig = deepFreeze(configWith((c) => {
  const dev = c.environments[0];
  dev.connectivity = 'lattice';
  delete dev.transitGateway;
  dev.consumers = [
    { name: 'storefront', account: '555555555555', cidr: dev.apis[0].cidr, calls: dev.apis.map((a: { name: string }) => a.name) },
    { name: 'billing', account: '121212121212', cidr: dev.apis[0].cidr, calls: [dev.apis[0].name] },
  ];
}));
