import { Template } from 'aws-cdk-lib/assertions';
import { exampleConfig } from '../../lib/config/environments';
import { SHARED_PARAMETERS, sharedParameterArn, sharedParameterName, sharedParameterPrincipals } from '../../lib/config/shared-parameters';
import { SharedParameter } from '../../lib/constructs/shared-parameter';
import { bareStack, configWith } from '../helpers';

const environment = exampleConfig.environments[0];
const api = environment.apis[0];
const vpc = { kind: 'api', name: api.name } as const;
const ref = { config: exampleConfig, environment, key: 'api-endpoint' as const, vpc };

describe('SharedParameter', () => {
  test('publishes under the contract\'s name and description, shared with exactly the contract\'s readers', () => {
    const stack = bareStack(undefined, api.account);
    new SharedParameter(stack, 'Endpoint', { ...ref, value: 'https://api.example' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: sharedParameterName(exampleConfig, environment, 'api-endpoint', vpc),
      Description: SHARED_PARAMETERS['api-endpoint'].description,
      Tier: 'Advanced',
      Value: 'https://api.example',
    });
    const [share] = Object.values(t.findResources('AWS::RAM::ResourceShare'));
    expect(share.Properties.Principals).toEqual(sharedParameterPrincipals(exampleConfig, environment, 'api-endpoint', vpc));
    expect(share.Properties.Principals.length).toBeGreaterThan(0);
  });

  test('shares nothing when every reader is the owner (single-account sandbox)', () => {
    const config = configWith((c) => {
      for (const consumer of c.environments[0].consumers) consumer.account = c.environments[0].apis[0].account;
    });
    const stack = bareStack(undefined, config.environments[0].apis[0].account);
    new SharedParameter(stack, 'Endpoint', { config, environment: config.environments[0], key: 'api-endpoint', vpc, value: 'x' });
    Template.fromStack(stack).resourceCountIs('AWS::RAM::ResourceShare', 0);
  });

  test('read() takes the same reference as the writer and resolves the contract\'s ARN at deploy time', () => {
    const stack = bareStack(undefined, environment.consumers[0].account);
    SharedParameter.read(stack, 'Endpoint', ref);
    const parameters = Template.fromStack(stack).toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    expect(Object.values(parameters)).toContainEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: sharedParameterArn(exampleConfig, environment, 'api-endpoint', vpc) });
  });

  test('an API\'s values are shared with the accounts of its callers only (the matrix at the parameter layer)', () => {
    for (const env of exampleConfig.environments) {
      for (const a of env.apis) {
        const callers = env.consumers.filter((c) => c.calls.includes(a.name)).map((c) => c.account);
        const others = env.consumers.filter((c) => !c.calls.includes(a.name) && !callers.includes(c.account)).map((c) => c.account);
        for (const key of ['api-endpoint', 'api-revision', 'api-certificate-arn', 'endpoint-service-name'] as const) {
          const principals = sharedParameterPrincipals(exampleConfig, env, key, { kind: 'api', name: a.name });
          expect(principals.sort()).toEqual([...new Set(callers)].filter((x) => x !== a.account).sort());
          for (const other of others) expect(principals).not.toContain(other);
        }
      }
    }
    // The example denies one pair, so the test above is not vacuous.
    expect(exampleConfig.environments.some((e) => e.consumers.some((c) => e.apis.some((a) => !c.calls.includes(a.name))))).toBe(true);
  });
});
