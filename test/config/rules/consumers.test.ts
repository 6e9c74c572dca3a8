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

  /** The date `days` after now (UTC), as the configuration writes it. */
  const daysAhead = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const withKeys = (apiKeys: unknown, graphqlAuth = 'API_KEY') => (c: Parameters<Parameters<typeof problemsOf>[1]>[0]) =>
    Object.assign(c.environments[0].consumers[0], { graphqlAuth, apiKeys });

  test.each(['2027-13-45', '2027-02-30', '27-01-01', 'next year'])('fails on an API key expiry of %p', (date) => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Default', expires: date }]))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys[0].expires', /give the expiry date as "YYYY-MM-DD"/),
    ]);
  });

  test.each([-30, 0, 366, 400])('fails on an API key expiring %p days from now: AppSync accepts 1 to 365', (days) => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Default', expires: daysAhead(days) }]))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys[0].expires', new RegExp(`1 to 365 days ahead: choose a date from ${daysAhead(2)} to ${daysAhead(364)}`)),
    ]);
  });

  test('an expired key says how to rotate', () => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Default', expires: daysAhead(-1) }]))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys[0].expires', /this key has expired: add a new key, move the callers, then remove this one/),
    ]);
  });

  test.each([undefined, []])('fails on API_KEY with apiKeys %p: AppSync would create a 7-day key', (apiKeys) => {
    expect(problemsOf(consumerRules, withKeys(apiKeys))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys', /API_KEY authorization needs 1 to 50 keys/),
    ]);
  });

  test('fails on more keys than AppSync allows per API', () => {
    const keys = Array.from({ length: 51 }, (_, i) => ({ name: `Key${i}`, expires: daysAhead(30) }));
    expect(problemsOf(consumerRules, withKeys(keys))).toEqual([problemAt('environments[dev].consumers[0].apiKeys', /needs 1 to 50 keys/)]);
  });

  test('fails on two keys of one name and on a name that is not a construct id', () => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Old', expires: daysAhead(30) }, { name: 'Old', expires: daysAhead(60) }, { name: 'new-key', expires: daysAhead(60) }]))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys[1].name', /key names must be unique within a consumer/),
      problemAt('environments[dev].consumers[0].apiKeys[2].name', /letters and digits only/),
    ]);
  });

  test('fails on apiKeys without API_KEY authorization', () => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Default', expires: daysAhead(30) }], 'AWS_IAM'))).toEqual([
      problemAt('environments[dev].consumers[0].apiKeys', /API keys need graphqlAuth "API_KEY"/),
    ]);
  });

  test('accepts API_KEY with keys expiring 2 and 364 days from now (a rotation: old and new key side by side)', () => {
    expect(problemsOf(consumerRules, withKeys([{ name: 'Default', expires: daysAhead(2) }, { name: 'Next', expires: daysAhead(364) }]))).toEqual([]);
  });
});
