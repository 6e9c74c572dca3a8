import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>` of the scope's stack, as a plain
 * string. A cdk-nag acknowledgement names the exact resource string a finding reports, and its id
 * is used as a map key at synth, so it must not hold a token: `stack.partition` is a literal only
 * under the `@aws-cdk/core:enablePartitionLiterals` feature flag (an app built without it crashes
 * with KeyMustResolveToString). The partition comes from aws-cdk-lib's region list instead, so
 * the policy and its acknowledgement say the same thing with or without the flag.
 */
export function literalArn(scope: IConstruct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account)) {
    throw new Error(`${scope.node.path}: needs a stack with an explicit account and region (env), got account ${stack.account} and region ${stack.region}; ` +
      'give the stack env: { account, region } from the configuration.');
  }
  const partition = RegionInfo.get(stack.region).partition;
  if (!partition) {
    throw new Error(`${scope.node.path}: region ${stack.region} is not in aws-cdk-lib's region list, so its ARN partition is unknown; use a region aws-cdk-lib knows.`);
  }
  return `arn:${partition}:${service}:${stack.region}:${stack.account}:${resource}`;
}
