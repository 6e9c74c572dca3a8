import { accountRules } from '../../../lib/config/rules/accounts';
import { problemAt, problemsOf } from './problems';

describe('accountRules', () => {
  test('the example is valid', () => expect(problemsOf(accountRules, () => {})).toEqual([]));

  test.each(['tools', 'network', 'dns'])('fails on a %s account that is not 12 digits', (account) => {
    expect(problemsOf(accountRules, (c) => (c.accounts[account] = '1234'))).toEqual([problemAt(`accounts.${account}`, /exactly 12 digits/)]);
  });
});
