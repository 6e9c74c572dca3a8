import { connectivityOf, createsTransitGateway, transitGatewayOf } from '../../lib/config/connectivity';
import { apisCalledBy } from '../../lib/config/matrix';
import { ApiConfig, AppConfig } from '../../lib/config/types';

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

function tasksLabel(api: ApiConfig): string {
  const s = api.service;
  const range = s.minCapacity === s.maxCapacity ? `${s.desiredCount}` : `${s.desiredCount} (${s.minCapacity}-${s.maxCapacity})`;
  return `ECS Fargate: ${range} tasks<br/>${s.cpu} CPU / ${s.memoryMiB} MiB ${s.architecture}`;
}

/**
 * The architecture as a Mermaid flowchart, from the configuration alone: the shared accounts
 * (tools, network, dns), then one block per environment with each API's account and each consumer
 * account, and the edges between them. The access matrix is the edges: one HTTPS edge per
 * (consumer, API it calls) and none for a pair the matrix denies. Deterministic: same config, same text (configuration order
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
  const lattice = config.environments.filter((e) => connectivityOf(e) === 'lattice');
  push(1, `subgraph network[${label(`network account ${config.accounts.network}`)}]`);
  for (const environment of created) {
    push(2, `${id(environment.name, 'tgw')}((${label(`Transit Gateway ${environment.name}<br/>consumers reach the APIs they call only`)}))`);
  }
  for (const environment of lattice) {
    push(2, `${id(environment.name, 'sn')}((${label(`VPC Lattice service network ${environment.name}<br/>IAM auth: the consumer accounts only`)}))`);
  }
  if (created.length + lattice.length === 0) push(2, `network_none[${label('no transit gateway created here:<br/>every environment imports one or uses PrivateLink')}]`);
  push(1, 'end');

  for (const environment of config.environments) {
    const env = (...parts: string[]) => id(environment.name, ...parts);
    const tgw = env('tgw');
    push(1, `subgraph ${id('env', environment.name)}[${label(`environment ${environment.name} (${config.region})`)}]`);
    const gateway = transitGatewayOf(environment);
    const viaLattice = connectivityOf(environment) === 'lattice';
    const sn = env('sn');
    if (gateway?.mode === 'import') {
      push(2, `${tgw}((${label(`existing Transit Gateway<br/>${gateway.transitGatewayId}<br/>(imported, shared via RAM)`)}))`);
    }
    for (const api of environment.apis) {
      const a = (...parts: string[]) => env('api', api.name, ...parts);
      push(2, `subgraph ${a()}[${label(`API ${api.name}: account ${api.account}`)}]`);
      // PrivateLink: the consumers' traffic enters at the API's endpoint service on its NLB; Lattice: at its service, no NLB.
      if (!gateway && !viaLattice) push(3, `${a('vpce_svc')}[${label(`VPC endpoint service<br/>private DNS ${api.domain}<br/>its callers' accounts only`)}]`);
      if (viaLattice) push(3, `${a('nlb')}[${label(`VPC Lattice service<br/>HTTPS :443 ${api.domain}<br/>auth policy: its callers' roles only`)}]`);
      else push(3, `${a('nlb')}[${label('internal NLB<br/>TLS :443 only')}]`);
      push(3, `${a('tasks')}[${label(tasksLabel(api))}]`);
      push(3, `${a('vpce')}[${label(viaLattice ? 'ECR / S3 / Logs<br/>VPC endpoints' : 'ECR / S3 / Logs / STS<br/>VPC endpoints')}]`);
      push(3, `${a('zone')}[${label(`zone ${api.domain}<br/>+ ACM certificate`)}]`);
      push(2, 'end');
      edges.push(`${a('nlb')} --> ${a('tasks')}`, `${a('tasks')} -. image pull + logs .-> ${a('vpce')}`);
      edges.push(gateway ? `${tgw} --> ${a('nlb')}` : viaLattice ? `${sn} --> ${a('nlb')}` : `${a('vpce_svc')} --> ${a('nlb')}`, `parent_zone -- "NS delegation" --> ${a('zone')}`);
    }
    for (const consumer of environment.consumers) {
      const c = (...parts: string[]) => env('consumer', consumer.name, ...parts);
      const called = apisCalledBy(environment, consumer);
      push(2, `subgraph ${c()}[${label(`consumer ${consumer.name}: account ${consumer.account}`)}]`);
      push(3, `${c('appsync')}[${label(`AppSync GraphQL API<br/>${consumer.graphqlAuth ?? 'AWS_IAM'} auth<br/>fields of ${called.map((a) => a.name).join(', ')}`)}]`);
      push(3, `${c('lambda')}[${label('Lambda resolvers<br/>(isolated subnets)')}]`);
      if (!gateway && !viaLattice) for (const api of called) push(3, `${c('vpce', api.name)}[${label(`interface endpoint ${api.name}<br/>(private DNS)`)}]`);
      if (viaLattice) for (const api of called) push(3, `${c('vpce', api.name)}[${label(`private zone ${api.domain}<br/>alias to its Lattice service`)}]`);
      push(2, 'end');
      edges.push(`${c('appsync')} --> ${c('lambda')}`);
      // One edge per pair the matrix allows: a denied pair has no path to draw.
      for (const api of called) {
        if (gateway) edges.push(`${c('lambda')} -- "HTTPS ${api.domain}" --> ${tgw}`);
        else if (viaLattice) edges.push(`${c('lambda')} -. "resolves" .-> ${c('vpce', api.name)}`, `${c('lambda')} -- "HTTPS ${api.domain} (SigV4)" --> ${sn}`);
        else edges.push(`${c('lambda')} -- "HTTPS ${api.domain}" --> ${c('vpce', api.name)}`, `${c('vpce', api.name)} -- PrivateLink --> ${env('api', api.name, 'vpce_svc')}`);
      }
    }
    push(1, 'end');
    edges.push(`pipeline -. deploys .-> ${id('env', environment.name)}`);
  }
  for (const edge of edges) push(1, edge);
  return `${lines.join('\n')}\n`;
}
