import { dnsRules } from '../../../lib/config/rules/dns';
import { problemAt, problemsOf } from './problems';

describe('dnsRules', () => {
  test('the example is valid', () => expect(problemsOf(dnsRules, () => {})).toEqual([]));

  test.each(['Example.com', 'example.com.', 'localhost', '-x.example.com'])('fails on parent zone name %p', (name) => {
    expect(problemsOf(dnsRules, (c) => (c.parentZone.name = name))).toContainEqual(problemAt('parentZone.name', /parent zone's DNS name in lowercase without a trailing dot/));
  });

  test('fails on an API domain that is not a DNS name', () => {
    expect(problemsOf(dnsRules, (c) => (c.environments[0].apis[0].domain = 'api..example.com'))).toEqual([
      problemAt('environments[dev].apis[0].domain', /use a lowercase DNS name without a trailing dot/),
    ]);
  });
});
