import { regionRules } from '../../../lib/config/rules/region';
import { problemAt, problemsOf } from './problems';

describe('regionRules', () => {
  test('the example is valid', () => expect(problemsOf(regionRules, () => {})).toEqual([]));

  test('fails on an availability zone listed twice', () => {
    expect(problemsOf(regionRules, (c) => (c.availabilityZones = ['euw1-az1', 'euw1-az1']))).toEqual([problemAt('availabilityZones', /list each availability zone once/)]);
  });

  test('fails on a region code aws-cdk-lib does not know, suggesting one', () => {
    expect(problemsOf(regionRules, (c) => (c.region = 'eu-wets-1'))).toContainEqual(problemAt('region', /not a region aws-cdk-lib knows; did you mean "eu-west-1"\?/));
  });
});
