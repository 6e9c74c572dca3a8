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

  /** The example with a second API of the catalogue's runtime, called by the consumer that calls the catalogue. */
  const withArchive = (c: Editable, archive: Record<string, unknown> = {}) => {
    const dev = c.environments[0];
    dev.apis.push({ ...structuredClone(dev.apis[0]), name: 'archive', cidr: '10.12.0.0/20', domain: 'archive.dev.example.com', ...archive });
    dev.consumers[0].calls.push('archive');
  };

  test('fails on a consumer calling two APIs whose GraphQL fragments declare the same field or type, suggesting a prefix', () => {
    const problems = problemsOf(apiRules, (c) => withArchive(c));
    // One problem for the pair, naming every name that meets, and the field that fixes it.
    expect(problems).toEqual([
      problemAt('environments[dev].consumers[0].calls', /^APIs "catalogue" and "archive" both declare GraphQL type Item, type ItemPage, field Query\.item, field Query\.items, .*set graphqlPrefix on one of them, e\.g\. environments\[dev\]\.apis\[2\]\.graphqlPrefix = "archive" \(its Query\.item becomes archiveItem\), or call only one of them/),
    ]);
  });

  test('a graphqlPrefix on one of them lets one consumer call both', () => {
    expect(problemsOf(apiRules, (c) => withArchive(c, { graphqlPrefix: 'archive' }))).toEqual([]);
    // Either one: the prefixed API may be the first one called.
    expect(problemsOf(apiRules, (c) => (withArchive(c), (c.environments[0].apis[0].graphqlPrefix = 'catalogue')))).toEqual([]);
  });

  test.each(['Archive', 'arch-ive', 'arch_ive', '1archive', '', 'a'.repeat(21)])('fails on graphqlPrefix %p, naming the field and the form, and nothing else', (prefix) => {
    expect(problemsOf(apiRules, (c) => withArchive(c, { graphqlPrefix: prefix }))).toEqual([
      problemAt('environments[dev].apis[2].graphqlPrefix', /use a lowercase word: 1-20 lowercase letters or digits, starting with a letter \(e\.g\. "archive"\)/),
    ]);
  });

  test('fails on a prefix that makes two APIs meet again, at the prefix, once however many consumers call both', () => {
    const problems = problemsOf(apiRules, (c) => {
      withArchive(c, { graphqlPrefix: 'shop' });
      c.environments[0].apis[0].graphqlPrefix = 'shop';
      c.environments[0].consumers.push({ name: 'auditor', account: '181818181818', cidr: '10.22.0.0/20', calls: ['archive', 'catalogue'] });
    });
    expect(problems).toEqual([
      problemAt('environments[dev].apis[2].graphqlPrefix', /^with this prefix, APIs "catalogue" and "archive" both declare GraphQL type ShopItem, type ShopItemPage, field Query\.shopItem, field Query\.shopItems, and consumer "storefront" serves both in one schema; choose another prefix for one of them\.$/),
    ]);
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
