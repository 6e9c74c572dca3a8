import { pipelineRules } from '../../../lib/config/rules/pipeline';
import { problemAt, problemsOf } from './problems';

describe('pipelineRules', () => {
  test('the example is valid', () => expect(problemsOf(pipelineRules, () => {})).toEqual([]));

  test.each(['internal-api', 'https://github.com/org/repo', 'org/repo/extra'])('fails on repository %p', (repository) => {
    expect(problemsOf(pipelineRules, (c) => (c.pipeline.repository = repository))).toEqual([problemAt('pipeline.repository', /use "owner\/repository"/)]);
  });

  test('fails on a blank branch', () => {
    expect(problemsOf(pipelineRules, (c) => (c.pipeline.branch = '  '))).toEqual([problemAt('pipeline.branch', /name the branch the pipeline deploys/)]);
  });
});
