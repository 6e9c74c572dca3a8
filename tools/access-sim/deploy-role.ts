/**
 * The bootstrap deploy role as a bootstrap template defines it: the principal that calls
 * CreateChangeSet or UpdateStack (the pipeline's deploy actions and `cdk deploy` both assume it), and so the one
 * CloudFormation resolves `AWS::SSM::Parameter::Value<String>` parameters with.
 */
import { dirname } from 'node:path';
import { PolicyDocument } from './assembly-index';

/**
 * The YAML parser aws-cdk-lib bundles (a bundled dependency, pinned with it): the bootstrap
 * template is YAML, and the project takes no parser dependency of its own for one test input.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const YAML = require(require.resolve('yaml', { paths: [dirname(require.resolve('aws-cdk-lib/package.json'))] })) as { parse(text: string): unknown };

/** The default qualifier, which the project bootstraps with. */
const QUALIFIER = 'hnb659fds';

/** The deploy role's ARN in an account and region bootstrapped with the default qualifier. */
export const deployRoleArn = (account: string, region: string) => `arn:aws:iam::${account}:role/cdk-${QUALIFIER}-deploy-role-${account}-${region}`;

/**
 * The deploy role's inline policies in `template`, with the `Fn::Sub`s of its statements resolved
 * for the account and region (references to other bootstrap resources become an ARN no request
 * names, so they allow nothing here).
 */
export function deployRolePolicies(template: string, account: string, region: string): { name: string; policy: PolicyDocument }[] {
  type Role = { Properties: { Policies: { PolicyName: string; PolicyDocument: PolicyDocument }[] } };
  const parsed = YAML.parse(template) as { Resources: Record<string, { Type: string } & Role> };
  const role = parsed.Resources.DeploymentActionRole;
  if (role?.Type !== 'AWS::IAM::Role') throw new Error('the bootstrap template has no DeploymentActionRole: the CLI changed its layout');
  const names: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': region,
    'AWS::AccountId': account,
    Qualifier: QUALIFIER,
    CdkBootstrapVersion: `/cdk-bootstrap/${QUALIFIER}/version`,
  };
  const sub = (text: string) => text.replace(/\$\{([^}]+)\}/g, (_, name: string) => names[name] ?? `arn:aws:unresolved:::${name}`);
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0][0] === 'Fn::Sub') return sub(entries[0][1] as string);
      if (entries.length === 1 && entries[0][0] === 'Ref') return names[entries[0][1] as string] ?? `arn:aws:unresolved:::${entries[0][1]}`;
      return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return role.Properties.Policies.map((p) => ({ name: `${p.PolicyName} (deploy role)`, policy: resolve(p.PolicyDocument) as PolicyDocument }));
}
