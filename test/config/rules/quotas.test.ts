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

  test('fails on a declared quota below AWS\'s default', () => {
    expect(problemsOf(quotaRules, (c) => (c.quotas = { securityGroupRules: 10 }))).toEqual([problemAt('quotas.securityGroupRules', /at least AWS's default 60/)]);
  });
});
