import { consumerRules } from '../../../lib/config/rules/consumers';
import { problemAt, problemsOf } from './problems';

describe('consumerRules', () => {
  test('the example is valid', () => expect(problemsOf(consumerRules, () => {})).toEqual([]));

  test.each(['Orders', '1orders', 'a'.repeat(25), 'or_ders'])('fails on consumer name %p', (name) => {
    expect(problemsOf(consumerRules, (c) => (c.environments[0].consumers[0].name = name))).toEqual([
      problemAt('environments[dev].consumers[0].name', /use 1-24 lowercase letters, digits or dashes, starting with a letter/),
    ]);
  });

  test('fails on two consumers of one environment with the same name', () => {
    expect(problemsOf(consumerRules, (c) => (c.environments[1].consumers[1].name = c.environments[1].consumers[0].name))).toEqual([
      problemAt('environments[prod].consumers[1].name', /consumer names must be unique within an environment/),
    ]);
  });

  test.each(['2027-13-45', '27-01-01', 'next year'])('fails on an API key expiry of %p', (date) => {
    expect(problemsOf(consumerRules, (c) => Object.assign(c.environments[0].consumers[0], { graphqlAuth: 'API_KEY', apiKeyExpires: date }))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeyExpires', /expiry date as "YYYY-MM-DD"/),
    ]);
  });

  test('accepts API_KEY with a valid expiry date', () => {
    expect(problemsOf(consumerRules, (c) => Object.assign(c.environments[0].consumers[0], { graphqlAuth: 'API_KEY', apiKeyExpires: '2027-01-31' }))).toEqual([]);
  });
});
