/**
 * Prints the exact bootstrap and per-account deploy commands for the configuration, in deploy
 * order, so docs/deploying.md's commands stay true for any account map: `npm run -s deploy-commands`.
 * Profiles are named after the role of the account (tools, network, dns, <env>-api,
 * <env>-<consumer>); rename them to yours.
 */
import { createsTransitGateway } from '../../lib/config/connectivity';
import { partitionOf } from '../../lib/config/names';
import { AppConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { loadConfig } from '../../lib/config/load';
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO } from '../cli';

/** The execution policy given to CloudFormation in every account (explicit, never implied). */
export function executionPolicy(config: AppConfig): string {
  return `arn:${partitionOf(config)}:iam::aws:policy/AdministratorAccess`;
}

/** Service-linked roles the api account needs before its first deploy: [role name, service]. */
export const SERVICE_LINKED_ROLES: readonly [string, string][] = [
  ['AWSServiceRoleForECS', 'ecs.amazonaws.com'],
  ['AWSServiceRoleForApplicationAutoScaling_ECSService', 'ecs.application-autoscaling.amazonaws.com'],
];

/** `# comment` and command lines for bootstrapping and deploying every account. */
export function deployCommands(config: AppConfig): string[] {
  const lines: string[] = [];
  lines.push('# 1. Bootstrap every account once (the target accounts trust the tools account for the pipeline)');
  const seen = new Set<string>();
  const target = (account: string, profile: string) => {
    if (seen.has(account)) return;
    seen.add(account);
    const trust = account === config.accounts.tools ? '' : ` --trust ${config.accounts.tools}`;
    const policy = ` --cloudformation-execution-policies ${executionPolicy(config)}`;
    lines.push(`npx cdk bootstrap aws://${account}/${config.region} --profile ${profile}${trust}${policy}`);
  };
  target(config.accounts.tools, 'tools');
  target(config.accounts.network, 'network');
  target(config.accounts.dns, 'dns');
  for (const env of config.environments) {
    target(env.apiAccount, `${env.name}-api`);
    for (const c of env.consumers) target(c.account, `${env.name}-${c.name}`);
  }

  // The first ECS cluster (and scalable target) in a brand-new account can fail on the
  // service-linked role not existing yet: create both before the first deploy, idempotently.
  lines.push('', '# 1b. The ECS and Application Auto Scaling service-linked roles, once per api account (skipped when present)');
  const apiProfiles = new Map<string, string>();
  for (const env of config.environments) if (!apiProfiles.has(env.apiAccount)) apiProfiles.set(env.apiAccount, `${env.name}-api`);
  for (const profile of apiProfiles.values()) {
    for (const [role, service] of SERVICE_LINKED_ROLES) {
      lines.push(`aws iam get-role --role-name ${role} --profile ${profile} >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ${service} --profile ${profile}`);
    }
  }

  lines.push('', '# 2a. Either: the pipeline (once; it then deploys every environment on each push and updates itself)');
  lines.push('npx cdk deploy Pipeline --profile tools');

  lines.push('', '# 2b. Or: each environment by hand, account by account, in this order (-e: only the named stacks)');
  for (const env of config.environments) {
    const stage = stageIdFor(env);
    lines.push(`# ${env.name}`);
    if (createsTransitGateway(env)) lines.push(`npx cdk deploy -e '${stage}/TransitHub' --profile network`);
    lines.push(`npx cdk deploy -e '${stage}/DelegationRole' --profile dns`);
    for (const c of env.consumers) lines.push(`npx cdk deploy -e '${stage}/ConsumerNetwork-${c.name}' --profile ${env.name}-${c.name}`);
    lines.push(`npx cdk deploy -e '${stage}/ApiNetwork' '${stage}/ApiDns' '${stage}/ApiService' --profile ${env.name}-api`);
    // Once every attachment exists: the gateway's route tables that keep consumers apart.
    if (createsTransitGateway(env)) lines.push(`npx cdk deploy -e '${stage}/TransitRouting' --profile network`);
    for (const c of env.consumers) lines.push(`npx cdk deploy -e '${stage}/ConsumerApp-${c.name}' --profile ${env.name}-${c.name}`);
  }
  return lines;
}

if (require.main === module) {
  process.exitCode = runScript(STDIO, () => {
    const { values } = parseCommandLine({ options: CONFIG_OPTION }, `usage: npm run -s deploy-commands [-- --config FILE]\n  ${CONFIG_USAGE}`);
    console.log(deployCommands(loadConfig(values.config)).join('\n'));
  });
}
