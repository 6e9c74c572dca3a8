import { projectRules } from '../../../lib/config/rules/project';
import { problemAt, problemsOf } from './problems';

describe('projectRules', () => {
  test('the example is valid', () => expect(problemsOf(projectRules, () => {})).toEqual([]));

  test.each(['Internal-API', 'x', 'a'.repeat(25), '1api'])('fails on projectName %p, naming the fix', (name) => {
    expect(problemsOf(projectRules, (c) => (c.projectName = name))).toEqual([problemAt('projectName', /use 2-24 lowercase letters, digits or dashes, starting with a letter/)]);
  });
});
