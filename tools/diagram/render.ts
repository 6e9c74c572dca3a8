import { createsTransitGateway, transitGatewayOf } from '../../lib/config/connectivity';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';

/**
 * A Mermaid node id: letters, digits and underscores only. Parts are joined with `__` and any other
 * character becomes `_`, so `dev`+`consumer`+`a-b` and `dev`+`consumer`+`a`+`b` stay distinct.
 */
function id(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9]+/g, '_')).join('__');
}

/** A quoted Mermaid label; `<br/>` in `text` is kept as the line break. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function tasksLabel(environment: EnvironmentConfig): string {
  const s = environment.service;
  const range = s.minCapacity === s.maxCapacity ? `${s.desiredCount}` : `${s.desiredCount} (${s.minCapacity}-${s.maxCapacity})`;
  return `ECS Fargate: ${range} tasks<br/>${s.cpu} CPU / ${s.memoryMiB} MiB ${s.architecture}`;
}

/**
 * The architecture as a Mermaid flowchart, from the configuration alone: the shared accounts
 * (tools, network, dns), then one block per environment with its api account and each consumer
 * account, and the edges between them. Deterministic: same config, same text (configuration order
 * is kept; nothing is sorted or timestamped).
 */
export function renderDiagram(config: AppConfig): string {
  const lines: string[] = ['flowchart LR'];
  const edges: string[] = [];
  const push = (indent: number, text: string) => lines.push(`${'  '.repeat(indent)}${text}`);

  push(1, `subgraph tools[${label(`tools account ${config.accounts.tools}`)}]`);
  push(2, `pipeline[${label(`CDK Pipeline<br/>${config.pipeline.repository} @ ${config.pipeline.branch}`)}]`);
  push(1, 'end');

  push(1, `subgraph dns[${label(`dns account ${config.accounts.dns}`)}]`);
  push(2, `parent_zone[${label(`public zone ${config.parentZone.name}`)}]`);
  push(1, 'end');

  const created = config.environments.filter(createsTransitGateway);
  push(1, `subgraph network[${label(`network account ${config.accounts.network}`)}]`);
  for (const environment of created) {
    push(2, `${id(environment.name, 'tgw')}((${label(`Transit Gateway ${environment.name}<br/>consumers reach the api only`)}))`);
  }
  if (created.length === 0) push(2, `network_none[${label('no transit gateway created here:<br/>every environment imports one or uses PrivateLink')}]`);
  push(1, 'end');

  for (const environment of config.environments) {
    const env = (...parts: string[]) => id(environment.name, ...parts);
    const tgw = env('tgw');
    push(1, `subgraph ${id('env', environment.name)}[${label(`environment ${environment.name} (${config.region})`)}]`);
    const gateway = transitGatewayOf(environment);
    if (gateway?.mode === 'import') {
      push(2, `${tgw}((${label(`existing Transit Gateway<br/>${gateway.transitGatewayId}<br/>(imported, shared via RAM)`)}))`);
    }
    // PrivateLink: the consumers' traffic enters at the endpoint service on the same NLB.
    const entry = gateway ? tgw : env('vpce_svc');
    push(2, `subgraph ${env('api')}[${label(`api account ${environment.apiAccount}`)}]`);
    if (!gateway) push(3, `${entry}[${label(`VPC endpoint service<br/>private DNS ${environment.apiDomain}<br/>consumer accounts only`)}]`);
    push(3, `${env('nlb')}[${label('internal NLB<br/>TLS :443 only')}]`);
    push(3, `${env('tasks')}[${label(tasksLabel(environment))}]`);
    push(3, `${env('vpce')}[${label('ECR / S3 / Logs<br/>VPC endpoints')}]`);
    push(3, `${env('zone')}[${label(`zone ${environment.apiDomain}<br/>+ ACM certificate`)}]`);
    push(2, 'end');
    edges.push(`${env('nlb')} --> ${env('tasks')}`, `${env('tasks')} -. image pull + logs .-> ${env('vpce')}`);
    for (const consumer of environment.consumers) {
      const c = (...parts: string[]) => env('consumer', consumer.name, ...parts);
      push(2, `subgraph ${c()}[${label(`consumer ${consumer.name}: account ${consumer.account}`)}]`);
      push(3, `${c('appsync')}[${label(`AppSync GraphQL API<br/>${consumer.graphqlAuth ?? 'AWS_IAM'} auth`)}]`);
      push(3, `${c('lambda')}[${label('Lambda resolver<br/>(isolated subnets)')}]`);
      if (!gateway) push(3, `${c('vpce')}[${label('interface endpoint<br/>(private DNS)')}]`);
      push(2, 'end');
      edges.push(`${c('appsync')} --> ${c('lambda')}`);
      if (gateway) edges.push(`${c('lambda')} -- "HTTPS ${environment.apiDomain}" --> ${entry}`);
      else edges.push(`${c('lambda')} -- "HTTPS ${environment.apiDomain}" --> ${c('vpce')}`, `${c('vpce')} -- PrivateLink --> ${entry}`);
    }
    push(1, 'end');
    edges.push(`${entry} --> ${env('nlb')}`, `parent_zone -- "NS delegation" --> ${env('zone')}`, `pipeline -. deploys .-> ${id('env', environment.name)}`);
  }
  for (const edge of edges) push(1, edge);
  return `${lines.join('\n')}\n`;
}
