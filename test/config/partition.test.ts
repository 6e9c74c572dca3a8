import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { delegationRoleArn, partitionOf } from '../../lib/config/names';
import { sharedParameterArn } from '../../lib/config/shared-parameters';
import { executionPolicy } from '../../tools/deploy/commands';
import { configWith } from '../helpers';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('partitions', () => {
  test('ARNs computed from config carry the region\'s partition', () => {
    const china = configWith((c) => (c.region = 'cn-north-1'));
    const env = china.environments[0];
    expect(partitionOf(china)).toBe('aws-cn');
    expect(delegationRoleArn(china, env)).toMatch(/^arn:aws-cn:iam::/);
    expect(sharedParameterArn(china, env, 'api-endpoint', { kind: 'api', name: env.apis[0].name })).toMatch(/^arn:aws-cn:ssm:cn-north-1:/);
    expect(executionPolicy(configWith((c) => (c.region = 'us-gov-west-1')))).toBe('arn:aws-us-gov:iam::aws:policy/AdministratorAccess');
  });

  test('no infrastructure code writes a literal arn:aws: (acknowledgements included)', () => {
    // Stacks use Stack.partition (a literal per region with @aws-cdk/core:enablePartitionLiterals),
    // config-derived ARNs use partitionOf(). The example's connection ARN is data, not code;
    // the local stand-ins (runtime, tools/local) never reach AWS; the access simulator
    // (tools/access-sim) evaluates synthesized templates offline, in the example's partition.
    const offenders = ['bin', 'lib', 'tools']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .map((file) => relative(ROOT, file))
      .filter((file) => !file.startsWith('lib/runtime/') && !file.startsWith('tools/local/') && !file.startsWith('tools/access-sim/') && file !== 'lib/config/environments.ts')
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ file, line: i + 1, text: line }))
          .filter(({ text }) => /arn:aws:/.test(text) && !/^\s*(\*|\/\/)/.test(text)),
      );
    expect(offenders).toEqual([]);
  });
});
