import { networkRules } from '../../../lib/config/rules/network';
import { problemAt, problemsOf } from './problems';

describe('networkRules', () => {
  test('the example is valid', () => expect(problemsOf(networkRules, () => {})).toEqual([]));

  test.each([15, 29, 22.5])('fails on a workload mask of %p', (mask) => {
    expect(problemsOf(networkRules, (c) => (c.subnets.workloadMask = mask))).toContainEqual(problemAt('subnets.workloadMask', /use a prefix length from 16 to 28/));
  });

  test.each([15, 29])('fails on a transit mask of %p', (mask) => {
    expect(problemsOf(networkRules, (c) => (c.subnets.transitMask = mask))).toEqual([problemAt('subnets.transitMask', /use a prefix length from 16 to 28; AWS recommends a \/28/)]);
  });

  test('fails on a transit subnet larger than the workload subnet', () => {
    expect(problemsOf(networkRules, (c) => (c.subnets = { workloadMask: 24, transitMask: 22 }))).toEqual([
      problemAt('subnets.transitMask', /should not be larger than the workload subnet \(\/24\); use \/28/),
    ]);
  });

  test.each(['10.0.0.0/8', '10.10.0.0/29'])('fails on a VPC CIDR %p outside /16 to /28', (cidr) => {
    expect(problemsOf(networkRules, (c) => (c.environments[0].apis[0].cidr = cidr))).toContainEqual(problemAt('environments[dev].apis[0].cidr', /a VPC CIDR must be between \/16 and \/28/));
  });
});
