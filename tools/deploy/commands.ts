/**
 * Prints the exact bootstrap and per-account deploy commands for the configuration, in deploy
 * order, so docs/deploying.md's commands stay true for any account map: `npm run -s deploy-commands`.
 * Profiles are named after the role of the account (tools, network, dns, <env>-api-<api>,
 * <env>-<consumer>); rename them to yours. `--bootstrap-template` prints the bootstrap template
 * the bootstrap commands use instead (see bootstrap-template.ts).
 */
import { connectivityOf, createsTransitGateway } from '../../lib/config/connectivity';
import { ApiConfig, EnvironmentConfig } from '../../lib/config/types';
import { partitionOf } from '../../lib/config/names';
import { AppConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { loadConfig } from '../../lib/config/load';
import { CONFIG_OPTION, CONFIG_USAGE, parseCommandLine, runScript, STDIO } from '../shared/cli';
import { BOOTSTRAP_TEMPLATE_FILE, bootstrapTemplate } from './bootstrap-template';

/** The execution policy given to CloudFormation in every account (explicit, never implied). */
export function executionPolicy(config: AppConfig): string {
  return `arn:${partitionOf(config)}:iam::aws:policy/AdministratorAccess`;
}

/**
 * The profile of an API's account: `<env>-api-<api>`. The `api-` keeps it apart from a consumer
 * of the same name, whose profile is `<env>-<consumer>`.
 */
export function apiProfile(env: EnvironmentConfig, api: ApiConfig): string {
  return `${env.name}-api-${api.name}`;
}

/** Service-linked roles the api account needs before its first deploy: [role name, service]. */
export const SERVICE_LINKED_ROLES: readonly [string, string][] = [
  ['AWSServiceRoleForECS', 'ecs.amazonaws.com'],
  ['AWSServiceRoleForApplicationAutoScaling_ECSService', 'ecs.application-autoscaling.amazonaws.com'],
];

/**
 * `# comment` and command lines for bootstrapping and deploying every account. `configPath`: the
 * JSON configuration `config` was read from (@default - the typed example): every command then
 * names it, and the first step commits it to cdk.json, where the pipeline's synth reads it.
 */
export function deployCommands(config: AppConfig, configPath?: string): string[] {
  const lines: string[] = [];
  // bin/app.ts refuses a `-c config=` that cdk.json does not commit: a command run before the
  // commit fails instead of deploying a pipeline whose first self-mutation builds another
  // configuration.
  const withConfig = configPath === undefined ? '' : ` -c config=${configPath}`;
  const cdk = (args: string) => `npx cdk ${args}${withConfig}`;
  if (configPath !== undefined) {
    lines.push(`# 0. Commit the configuration choice, so the pipeline's synth builds the same: in cdk.json, "context": { "config": "${configPath}", ... } (the file itself committed too)`);
    lines.push('');
  }
  lines.push('# 1. Bootstrap every account once (the target accounts trust the tools account for the pipeline), with the CLI\'s template plus shared-parameter reads for the deploy role');
  const configOption = configPath === undefined ? '' : ` --config ${configPath}`;
  lines.push(`mkdir -p ${BOOTSTRAP_TEMPLATE_FILE.split('/')[0]} && npm run -s deploy-commands --${configOption} --bootstrap-template > ${BOOTSTRAP_TEMPLATE_FILE}`);
  const seen = new Set<string>();
  const target = (account: string, profile: string) => {
    if (seen.has(account)) return;
    seen.add(account);
    const trust = account === config.accounts.tools ? '' : ` --trust ${config.accounts.tools}`;
    const policy = ` --cloudformation-execution-policies ${executionPolicy(config)}`;
    lines.push(cdk(`bootstrap aws://${account}/${config.region} --profile ${profile}${trust}${policy} --template ${BOOTSTRAP_TEMPLATE_FILE}`));
  };
  target(config.accounts.tools, 'tools');
  target(config.accounts.network, 'network');
  target(config.accounts.dns, 'dns');
  for (const env of config.environments) {
    for (const api of env.apis) target(api.account, apiProfile(env, api));
    for (const c of env.consumers) target(c.account, `${env.name}-${c.name}`);
  }

  // The first ECS cluster (and scalable target) in a brand-new account can fail on the
  // service-linked role not existing yet: create both before the first deploy, idempotently.
  lines.push('', '# 1b. The ECS and Application Auto Scaling service-linked roles, once per API account (skipped when present)');
  const apiProfiles = new Map<string, string>();
  for (const env of config.environments) for (const api of env.apis) if (!apiProfiles.has(api.account)) apiProfiles.set(api.account, apiProfile(env, api));
  for (const profile of apiProfiles.values()) {
    for (const [role, service] of SERVICE_LINKED_ROLES) {
      lines.push(`aws iam get-role --role-name ${role} --profile ${profile} >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ${service} --profile ${profile}`);
    }
  }

  lines.push('', '# 2a. Either: the pipeline (once; it then deploys every environment on each push and updates itself)');
  lines.push(cdk('deploy Pipeline --profile tools'));

  lines.push('', '# 2b. Or: each environment by hand, account by account, in this order (-e: only the named stacks)');
  for (const env of config.environments) {
    const stage = stageIdFor(env);
    lines.push(`# ${env.name}`);
    if (createsTransitGateway(env)) lines.push(cdk(`deploy -e '${stage}/TransitHub' --profile network`));
    if (connectivityOf(env) === 'lattice') lines.push(cdk(`deploy -e '${stage}/LatticeHub' --profile network`));
    lines.push(cdk(`deploy -e '${stage}/DelegationRole' --profile dns`));
    for (const c of env.consumers) lines.push(cdk(`deploy -e '${stage}/ConsumerNetwork-${c.name}' --profile ${env.name}-${c.name}`));
    for (const api of env.apis) {
      const stacks = ['ApiNetwork', 'ApiDns', 'ApiService'].map((kind) => `'${stage}/${kind}-${api.name}'`).join(' ');
      lines.push(cdk(`deploy -e ${stacks} --profile ${apiProfile(env, api)}`));
    }
    // Once every attachment exists: the gateway's route tables that keep consumers apart.
    if (createsTransitGateway(env)) lines.push(cdk(`deploy -e '${stage}/TransitRouting' --profile network`));
    for (const c of env.consumers) lines.push(cdk(`deploy -e '${stage}/ConsumerApp-${c.name}' --profile ${env.name}-${c.name}`));
  }
  return lines;
}

if (require.main === module) {
  process.exitCode = runScript(STDIO, () => {
    const options = { ...CONFIG_OPTION, 'bootstrap-template': { type: 'boolean', default: false } } as const;
    const usage = `usage: npm run -s deploy-commands [-- [--config FILE] [--bootstrap-template]]\n  ${CONFIG_USAGE}\n  --bootstrap-template   print the bootstrap template instead of the commands`;
    const { values } = parseCommandLine({ options }, usage);
    const config = loadConfig(values.config);
    // process.stdout.write: the template is a file's content, byte for byte (no added newline).
    if (values['bootstrap-template']) process.stdout.write(bootstrapTemplate(config));
    else console.log(deployCommands(config, values.config).join('\n'));
  });
}
