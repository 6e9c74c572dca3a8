import { connectivityRules } from '../../../lib/config/rules/connectivity';
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
