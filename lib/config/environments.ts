import { AppConfig, ServiceConfig } from './types';

/**
 * The example deployment: placeholder account ids and `example.com`.
 * Replace the account ids, zone and connection with yours; `npm test` and `npx cdk synth`
 * validate every value before anything is built.
 */
const smallService: ServiceConfig = {
  desiredCount: 2,
  minCapacity: 2,
  maxCapacity: 4,
  cpu: 256,
  memoryMiB: 512,
  architecture: 'ARM64',
  image: { kind: 'asset' },
  logRetentionDays: 30,
};

export const exampleConfig: AppConfig = {
  projectName: 'internal-api',
  region: 'eu-west-1',
  // AZ ids, not names: `eu-west-1a` is a different physical zone in each account, `euw1-az1` is
  // the same one everywhere. Two AZs keep the per-AZ endpoint bill down; append `euw1-az3` for
  // three (append only: an AZ's position is its address slot).
  availabilityZones: ['euw1-az1', 'euw1-az2'],
  accounts: {
    tools: '111111111111',
    network: '222222222222',
    dns: '333333333333',
  },
  parentZone: { id: 'Z0123456789EXAMPLE', name: 'example.com' },
  subnets: { workloadMask: 22, transitMask: 28 },
  pipeline: {
    connectionArn:
      'arn:aws:codeconnections:eu-west-1:111111111111:connection/00000000-0000-0000-0000-000000000000',
    repository: 'example-org/internal-api-cross-account',
    branch: 'main',
  },
  environments: [
    {
      name: 'dev',
      apis: [
        { name: 'catalogue', account: '444444444444', cidr: '10.10.0.0/20', domain: 'catalogue.dev.example.com', service: { ...smallService } },
        { name: 'stock', account: '131313131313', cidr: '10.11.0.0/20', domain: 'stock.dev.example.com', runtime: 'stock-service', service: { ...smallService } },
      ],
      consumers: [{ name: 'storefront', account: '555555555555', cidr: '10.20.0.0/20', calls: ['catalogue', 'stock'] }],
      transitGateway: { mode: 'create' },
    },
    {
      name: 'prod',
      apis: [
        {
          name: 'catalogue',
          account: '666666666666',
          cidr: '10.110.0.0/20',
          domain: 'catalogue.example.com',
          service: { ...smallService, desiredCount: 3, minCapacity: 3, maxCapacity: 12, cpu: 512, memoryMiB: 1024, logRetentionDays: 90 },
        },
        {
          name: 'stock',
          account: '101010101010',
          cidr: '10.111.0.0/20',
          domain: 'stock.example.com',
          runtime: 'stock-service',
          service: { ...smallService, desiredCount: 3, minCapacity: 3, maxCapacity: 6, logRetentionDays: 90 },
        },
      ],
      consumers: [
        { name: 'storefront', account: '777777777777', cidr: '10.120.0.0/20', calls: ['catalogue', 'stock'] },
        // Reports on the catalogue only: no route, rule, endpoint, parameter or field reaches stock.
        { name: 'reporting', account: '888888888888', cidr: '10.121.0.0/20', calls: ['catalogue'] },
      ],
      transitGateway: { mode: 'create' },
      requireApproval: true,
    },
  ],
};
