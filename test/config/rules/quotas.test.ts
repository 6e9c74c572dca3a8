import { DEFAULT_QUOTAS } from '../../../lib/config/quotas';
import { quotaRules } from '../../../lib/config/rules/quotas';
import { problemAt, problemsOf } from './problems';

/** `n` consumers for the first environment, each calling every API, with disjoint CIDRs. */
function consumers(n: number, apis: readonly string[]) {
  return Array.from({ length: n }, (_, i) => ({ name: `c${i}`, account: `5${String(i).padStart(11, '0')}`, cidr: `10.${64 + Math.floor(i / 16)}.${(i % 16) * 16}.0/20`, calls: [...apis] }));
}

describe('quotaRules', () => {
  test('the example is valid', () => expect(problemsOf(quotaRules, () => {})).toEqual([]));

  test('fails when the matrix needs more transit gateway route tables than the quota, naming the quota and how to raise it', () => {
    const need = DEFAULT_QUOTAS.transitGatewayRouteTables + 1;
    const problems = problemsOf(quotaRules, (c) => {
      const dev = c.environments[0];
      dev.consumers = consumers(need - dev.apis.length, dev.apis.map((a: { name: string }) => a.name));
    });
    expect(problems).toContainEqual(problemAt('environments[dev].consumers', new RegExp(`needs ${need} transit gateway route tables.*over the quota of 20.*"Transit gateway route tables per transit gateway" in Service Quotas.*quotas\\.transitGatewayRouteTables`)));
  });

  test('a raised quota, declared in quotas, lets the same matrix through', () => {
    expect(problemsOf(quotaRules, (c) => {
      const dev = c.environments[0];
      dev.consumers = consumers(DEFAULT_QUOTAS.transitGatewayRouteTables, dev.apis.map((a: { name: string }) => a.name));
      c.quotas = { transitGatewayRouteTables: 40 };
    })).toEqual([]);
  });

  test('fails when an API has more callers than its load balancer\'s security group may hold rules', () => {
    const callers = DEFAULT_QUOTAS.securityGroupRules + 1;
    const problems = problemsOf(quotaRules, (c) => {
      const dev = c.environments[0];
      dev.consumers = consumers(callers, [dev.apis[0].name]);
      c.quotas = { transitGatewayRouteTables: 200, routesPerVpcRouteTable: 1000 };
    });
    expect(problems).toEqual([problemAt('environments[dev].apis[0]', /needs 61 inbound rules on its load balancer's security group.*"Inbound or outbound rules per security group"/)]);
  });

  test('privatelink: fails when a consumer calls more APIs than its VPC may hold interface endpoints', () => {
    const problems = problemsOf(quotaRules, (c) => {
      const dev = c.environments[0];
      dev.connectivity = 'privatelink';
      delete dev.transitGateway;
      c.quotas = { interfaceEndpointsPerVpc: 50 };
      dev.apis = Array.from({ length: 51 }, (_, i) => ({ ...dev.apis[0], name: `api${i}`, domain: `api${i}.dev.example.com` }));
      dev.consumers[0].calls = dev.apis.map((a: { name: string }) => a.name);
    });
    expect(problems).toContainEqual(problemAt('environments[dev].consumers[0].calls', /needs 51 interface endpoints in its VPC \(one per API it calls\), over the quota of 50/));
  });

  describe('lattice', () => {
    const lattice = (c: { environments: { connectivity?: string; transitGateway?: unknown }[] }) => {
      c.environments[0].connectivity = 'lattice';
      delete c.environments[0].transitGateway;
    };

    test('no transit-gateway quota applies (nothing is routed): more VPCs than a gateway\'s route tables pass', () => {
      const mutate = (c: Parameters<Parameters<typeof problemsOf>[1]>[0]) => {
        const dev = c.environments[0];
        dev.consumers = consumers(DEFAULT_QUOTAS.transitGatewayRouteTables, [dev.apis[0].name]);
      };
      expect(problemsOf(quotaRules, mutate)).toContainEqual(problemAt('environments[dev].consumers', /transit gateway route tables/));
      expect(problemsOf(quotaRules, (c) => { mutate(c); lattice(c); })).toEqual([]);
    });

    test('fails when an API\'s auth policy would pass VPC Lattice\'s 10 KB, naming the API and the fix', () => {
      const problems = problemsOf(quotaRules, (c) => {
        lattice(c);
        const dev = c.environments[0];
        dev.consumers = consumers(40, [dev.apis[0].name]);
        c.quotas = { transitGatewayRouteTables: 200 };
      });
      expect(problems).toEqual([problemAt('environments[dev].apis[0]', /auth policy would be \d+ bytes for 40 calling consumers, over AWS's 10240 \(10 KB, not adjustable\); split the API/)]);
    });

    test('fails when the environment has more APIs than its service network may hold', () => {
      const problems = problemsOf(quotaRules, (c) => {
        lattice(c);
        const dev = c.environments[0];
        dev.apis = Array.from({ length: DEFAULT_QUOTAS.latticeServicesPerServiceNetwork + 1 }, (_, i) => ({ ...dev.apis[0], name: `api${i}`, domain: `api${i}.dev.example.com` }));
        dev.consumers[0].calls = dev.apis.map((a: { name: string }) => a.name);
      });
      expect(problems).toContainEqual(problemAt('environments[dev].apis', /needs 501 VPC Lattice service associations.*"Service associations per service network".*quotas\.latticeServicesPerServiceNetwork/));
    });
  });

  test('fails on a declared quota below AWS\'s default', () => {
    expect(problemsOf(quotaRules, (c) => (c.quotas = { securityGroupRules: 10 }))).toEqual([problemAt('quotas.securityGroupRules', /at least AWS's default 60/)]);
  });
});
