import { environmentRules } from '../../../lib/config/rules/environments';
import { problemAt, problemsOf } from './problems';

describe('environmentRules', () => {
  test('the example is valid', () => expect(problemsOf(environmentRules, () => {})).toEqual([]));

  test('fails on no environment', () => {
    expect(problemsOf(environmentRules, (c) => (c.environments = []))).toEqual([problemAt('environments', /define at least one environment/)]);
  });

  test.each(['Dev', 'dev-1', 'a'.repeat(17), '1dev'])('fails on environment name %p', (name) => {
    expect(problemsOf(environmentRules, (c) => (c.environments[0].name = name))).toContainEqual(problemAt('environments[0].name', /use 1-16 lowercase letters or digits, starting with a letter/));
  });
});
