import { callersOf } from './matrix';
import { CALLER_KINDS, callerRoleName, partitionOf } from './names';
import { ApiConfig, AppConfig, EnvironmentConfig } from './types';

/**
 * The VPC Lattice auth policies of lattice mode, built from the access matrix and nothing else,
 * so the stacks that attach them, the synth-time size rule and the access simulation read the
 * same documents. AWS's rules they follow (https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html):
 * with auth type AWS_IAM a request passes only when the caller's identity policy, the service
 * network's auth policy and the service's auth policy all allow `vpc-lattice-svcs:Invoke`; an
 * unsigned request is an anonymous principal, which an account principal never matches.
 */

/** AWS's limit on one auth policy (https://docs.aws.amazon.com/vpc-lattice/latest/ug/quotas.html): 10 KB, not adjustable. */
export const LATTICE_AUTH_POLICY_MAX_BYTES = 10 * 1024;

/** An IAM policy document as CloudFormation takes it. */
export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/** The size AWS measures: the JSON as CloudFormation sends it (CDK serialises it without whitespace). */
export function policyBytes(policy: PolicyDocumentJson): number {
  return Buffer.byteLength(JSON.stringify(policy), 'utf8');
}

const accountRoot = (config: AppConfig, account: string) => `arn:${partitionOf(config)}:iam::${account}:root`;

/**
 * The auth policy of an API's Lattice service: one statement per consumer the matrix lets call it,
 * allowing exactly that consumer's two caller roles (its resolver's and its health check's), and
 * only from a VPC that consumer's account owns. The roles are matched by `aws:PrincipalArn` under
 * the account's principal rather than named as principals: they are created after the API deploys
 * (the consumer's health check calls the API), and a policy naming a principal that does not exist
 * yet is one AWS may refuse. Any other role of the account (it can sign requests too) matches no
 * statement, and is denied.
 */
export function latticeServicePolicy(config: AppConfig, env: EnvironmentConfig, api: ApiConfig): PolicyDocumentJson {
  return {
    Version: '2012-10-17',
    Statement: callersOf(env, api).map((consumer) => ({
      Sid: `Consumer${consumer.name.replace(/[^A-Za-z0-9]/g, '')}`,
      Effect: 'Allow',
      Principal: { AWS: accountRoot(config, consumer.account) },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:PrincipalArn': CALLER_KINDS.map((kind) => `arn:${partitionOf(config)}:iam::${consumer.account}:role/${callerRoleName(config, env, consumer, api, kind)}`),
          'vpc-lattice-svcs:SourceVpcOwnerAccount': consumer.account,
        },
      },
    })),
  };
}

/**
 * The service network's auth policy: principals of the environment's consumer accounts, calling
 * from a VPC one of them owns; nobody else. Each service's own policy decides which of them may
 * call it; this one is the fence around the network, so a service associated by mistake, or one
 * whose policy is later loosened, is still closed to every account outside the environment and to
 * every unsigned request.
 */
export function latticeNetworkPolicy(config: AppConfig, env: EnvironmentConfig): PolicyDocumentJson {
  const accounts = [...new Set(env.consumers.map((c) => c.account))];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnvironmentConsumers',
        Effect: 'Allow',
        Principal: { AWS: accounts.map((account) => accountRoot(config, account)) },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: { StringEquals: { 'vpc-lattice-svcs:SourceVpcOwnerAccount': accounts } },
      },
    ],
  };
}
