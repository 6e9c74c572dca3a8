import { exampleConfig } from '../../../lib/config/environments';
import { delegationProviderRoleName } from '../../../lib/config/names';
import { apiRules } from '../../../lib/config/rules/apis';
import { consumerRules } from '../../../lib/config/rules/consumers';
import { problemAt, problemsOf } from './problems';

type Editable = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('apiRules', () => {
  test('the example is valid', () => expect(problemsOf(apiRules, () => {})).toEqual([]));

  test('fails on an environment without APIs', () => {
    expect(problemsOf(apiRules, (c) => (c.environments[0].apis = []))).toEqual([problemAt('environments[dev].apis', /list at least one API/)]);
  });

  test.each(['Catalogue', '1api', 'a'.repeat(17), 'my_api'])('fails on API name %p', (name) => {
    expect(problemsOf(apiRules, (c) => (c.environments[0].apis[0].name = name))).toContainEqual(
      problemAt('environments[dev].apis[0].name', /use 1-16 lowercase letters, digits or dashes/),
    );
  });

  test('fails on two APIs of one environment with the same name', () => {
    expect(problemsOf(apiRules, (c) => (c.environments[0].apis[1].name = c.environments[0].apis[0].name))).toContainEqual(
      problemAt('environments[dev].apis[1].name', /API names must be unique within an environment/),
    );
  });

  test('the longest names the rules allow still make a delegation provider role name IAM accepts (64 characters)', () => {
    const config = structuredClone(exampleConfig) as Editable;
    config.projectName = 'a'.repeat(24);
    const env = { ...config.environments[0], name: 'b'.repeat(16) };
    expect(problemsOf(apiRules, (c) => ((c.projectName = config.projectName), (c.environments[0].name = env.name), (c.environments[0].apis[0].name = 'c'.repeat(16))))).toEqual([]);
    expect(delegationProviderRoleName(config, env, { ...env.apis[0], name: 'c'.repeat(16) }).length).toBeLessThanOrEqual(64);
  });

  test('fails on a runtime folder without an api-runtime.json, naming the file and the fix', () => {
    expect(problemsOf(apiRules, (c) => (c.environments[0].apis[0].runtime = 'graphql-resolver'))).toEqual([
      problemAt('environments[dev].apis[0].runtime', /lib\/runtime\/graphql-resolver\/api-runtime\.json: no such file.*add its api-runtime\.json/),
    ]);
    expect(problemsOf(apiRules, (c) => (c.environments[0].apis[0].runtime = '../etc'))).toEqual([problemAt('environments[dev].apis[0].runtime', /name a folder of lib\/runtime/)]);
  });

  test('fails on a consumer calling two APIs whose GraphQL fragments declare the same field or type', () => {
    // A second API with the catalogue's code, called by the consumer that already calls the catalogue.
    const problems = problemsOf(apiRules, (c) => {
      const dev = c.environments[0];
      dev.apis.push({ ...structuredClone(dev.apis[0]), name: 'archive', cidr: '10.12.0.0/20', domain: 'archive.dev.example.com' });
      dev.consumers[0].calls.push('archive');
    });
    expect(problems).toContainEqual(problemAt('environments[dev].consumers[0].calls', /APIs "catalogue" and "archive" both declare GraphQL type Item.*call only one of them/));
    expect(problems).toContainEqual(problemAt('environments[dev].consumers[0].calls', /both declare GraphQL field Query\.item\b/));
  });
});

describe('the access matrix (consumerRules)', () => {
  test('fails on an unknown API in calls, listing the names there are', () => {
    expect(problemsOf(consumerRules, (c) => c.environments[1].consumers[1].calls.push('pricing'))).toEqual([
      problemAt('environments[prod].consumers[1].calls[1]', /no API of this environment has that name; use one of: catalogue, stock/),
    ]);
  });

  test('fails on a consumer that calls nothing, and on the API nobody calls then', () => {
    expect(problemsOf(consumerRules, (c) => (c.environments[0].consumers[0].calls = []))).toEqual([
      problemAt('environments[dev].consumers[0].calls', /list the APIs this consumer may call, at least one of/),
      problemAt('environments[dev].apis[0].name', /no consumer calls this API/),
      problemAt('environments[dev].apis[1].name', /no consumer calls this API/),
    ]);
  });

  test('fails on an API named twice in one consumer\'s calls', () => {
    expect(problemsOf(consumerRules, (c) => c.environments[0].consumers[0].calls.push(c.environments[0].consumers[0].calls[0]))).toEqual([
      problemAt('environments[dev].consumers[0].calls[2]', /listed twice/),
    ]);
  });
});
