import { connectivityRules, latticeNameRules } from '../../../lib/config/rules/connectivity';
import { problemAt, problemsOf } from './problems';

describe('connectivityRules', () => {
  test('the example is valid', () => expect(problemsOf(connectivityRules, () => {})).toEqual([]));

  test.each([64511, 65535, 64512.5, 4294967295])('fails on a public or malformed Amazon-side ASN %p', (asn) => {
    expect(problemsOf(connectivityRules, (c) => (c.environments[0].transitGateway = { mode: 'create', amazonSideAsn: asn }))).toEqual([
      problemAt('environments[dev].transitGateway.amazonSideAsn', /use a private ASN: 64512-65534 or 4200000000-4294967294/),
    ]);
  });

  test.each([64512, 65534, 4200000000, 4294967294])('accepts the private ASN %p', (asn) => {
    expect(problemsOf(connectivityRules, (c) => (c.environments[0].transitGateway = { mode: 'create', amazonSideAsn: asn }))).toEqual([]);
  });
});

/** The example's first environment switched to lattice mode (which has no transit gateway). */
const lattice = (c: { environments: { connectivity?: string; transitGateway?: unknown }[] }) => {
  c.environments[0].connectivity = 'lattice';
  delete c.environments[0].transitGateway;
};

describe('connectivityRules in lattice mode', () => {
  test('a lattice environment without a transit gateway is valid', () => expect(problemsOf(connectivityRules, lattice)).toEqual([]));

  test('a transit gateway makes no sense in lattice mode: the error says to remove it', () => {
    expect(problemsOf(connectivityRules, (c) => (c.environments[0].connectivity = 'lattice'))).toEqual([
      problemAt('environments[dev].transitGateway', /lattice mode has no transit gateway: remove transitGateway/),
    ]);
  });
});

describe('latticeNameRules', () => {
  test('the example\'s names fit VPC Lattice\'s rules', () => expect(problemsOf(latticeNameRules, lattice)).toEqual([]));

  test('an API whose Lattice service name would pass 40 characters is named, with its length and the fix', () => {
    const problems = problemsOf(latticeNameRules, (c) => {
      lattice(c);
      c.projectName = 'a-rather-long-project-name';
      c.environments[0].apis[1].name = 'inventory-levels';
    });
    expect(problems).toContainEqual(problemAt('environments[dev].apis[1].name', /VPC Lattice service would be named "a-rather-long-project-name-dev-inventory-levels" \(47 characters\): VPC Lattice allows 40.*shorten projectName/));
  });

  test('environments in other modes are not checked', () => {
    expect(problemsOf(latticeNameRules, (c) => (c.projectName = 'a-rather-long-project-name-that-is-long'))).toEqual([]);
  });
});
