import { AppConfig } from '../../lib/config/types';
import { configWith } from '../helpers';

/**
 * The example configuration with `dev` in lattice mode: three APIs (each in its own account) and
 * three consumers calling different sets, two of whose VPCs reuse a CIDR (allowed: nothing is
 * routed between VPCs); `prod` stays on its transit gateway.
 */
export function latticeConfig(): AppConfig {
  return configWith((c) => {
    const dev = c.environments[0];
    dev.connectivity = 'lattice';
    delete dev.transitGateway;
    const [catalogue, stock] = dev.apis;
    dev.apis = [catalogue, stock, { ...catalogue, name: 'pricing', account: '141414141414', cidr: '10.12.0.0/20', domain: 'pricing.dev.example.com' }];
    // storefront calls the catalogue and stock, billing the catalogue only, reporting stock and
    // pricing (pricing runs the catalogue's runtime: one consumer cannot serve both schemas).
    dev.consumers = [
      { name: 'storefront', account: '555555555555', cidr: '10.20.0.0/20', calls: [catalogue.name, stock.name] },
      { name: 'billing', account: '121212121212', cidr: '10.20.0.0/20', calls: [catalogue.name] },
      { name: 'reporting', account: '151515151515', cidr: '10.21.0.0/20', calls: [stock.name, 'pricing'] },
    ];
  });
}
