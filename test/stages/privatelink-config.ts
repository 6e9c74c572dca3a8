import { AppConfig } from '../../lib/config/types';
import { configWith, deepFreeze } from '../helpers';

/**
 * The example configuration with `dev` in privatelink mode and two consumers whose VPCs reuse the
 * API's CIDR (allowed: nothing is routed between them); `prod` stays on its transit gateway.
 * Frozen, like the example: several tests share it.
 */
export const privateLinkConfig: AppConfig = deepFreeze(configWith((c) => {
  const dev = c.environments[0];
  dev.connectivity = 'privatelink';
  delete dev.transitGateway;
  dev.consumers = [
    { name: 'storefront', account: '555555555555', cidr: dev.apiCidr },
    { name: 'billing', account: '121212121212', cidr: dev.apiCidr },
  ];
}));
