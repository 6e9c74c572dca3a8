import { exampleConfig } from '../../lib/config/environments';
import { callerRoleName } from '../../lib/config/names';
import { configWith } from '../helpers';

describe('callerRoleName', () => {
  const [env] = exampleConfig.environments;
  const [consumer] = env.consumers;
  const [api] = env.apis;

  test('project, environment, consumer, API and kind: one name per function, the same on both sides of the account boundary', () => {
    expect(callerRoleName(exampleConfig, env, consumer, api, 'resolver')).toBe(`${exampleConfig.projectName}-${env.name}-${consumer.name}-${api.name}-resolver`);
    expect(callerRoleName(exampleConfig, env, consumer, api, 'check')).not.toBe(callerRoleName(exampleConfig, env, consumer, api, 'resolver'));
  });

  test('the longest names configuration allows stay within IAM\'s 64 characters and distinct', () => {
    const long = configWith((c) => {
      c.projectName = 'p'.repeat(24);
      c.environments[0].name = 'e'.repeat(16);
    });
    const [longEnv] = long.environments;
    const names = ['a', 'b'].flatMap((suffix) => (['resolver', 'check'] as const).map((kind) =>
      callerRoleName(long, longEnv, { ...consumer, name: `${'c'.repeat(23)}${suffix}` }, { ...api, name: 'x'.repeat(16) }, kind)));
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => /^[\w+=,.@-]+$/.test(n))).toBe(true);
  });
});
