/**
 * Monthly cost estimate of the synthesized app, per environment, beside the other connectivity
 * modes and two designs outside them.
 *
 *   node -r ts-node/register/transpile-only tools/cost/main.ts \
 *     [--assembly cdk.out] [--workload tools/cost/workload.json] [--prices tools/cost/prices/<region>.json] [--json out.json]
 *   node -r ts-node/register/transpile-only tools/cost/main.ts --platform 20x50 [--model] [--workload ...] [--prices ...]
 *
 * Reads the cloud assembly that `npx cdk synth` writes; with `--platform AxC`, synthesizes the
 * bench's generated configuration of A APIs x C consumers once per mode into temporary assemblies
 * (`--model`: counts from the configuration instead, no synth) and prints one table, a column per
 * mode. See tools/cost/README.md for the model.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, runScript, STDIO, UsageError } from '../shared/cli';
import { readAssembly, SHARED_ENVIRONMENT } from '../shared/assembly';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { countBillable } from './count';
import { countFromConfig, PRICED_FIELDS } from './config-model';
import { ModeEstimate, platformEnvironment, platformTable, shapeLine } from './platform';
import { withSynthesizedStages } from './synth';
import { renderTable } from '../shared/table';
import { loadPrices, loadWorkload, workloadFor } from './inputs';
import { ALTERNATIVE_NAMES, AlternativeId, compare, Comparison, connectivityOf, Estimate, MODE_NAMES, MODES, priceAlternatives, priceEnvironment, servesTraffic, trafficGB } from './price';

const USAGE =
  'usage: tools/cost/main.ts [--assembly cdk.out] [--workload tools/cost/workload.json] [--prices tools/cost/prices/<region>.json] [--json out.json]\n' +
  '       tools/cost/main.ts --platform <APIs>x<consumers> [--model] [--workload ...] [--prices ...]';

function parseArgs(argv: readonly string[]) {
  const options = {
    assembly: { type: 'string', default: 'cdk.out' },
    workload: { type: 'string', default: 'tools/cost/workload.json' },
    prices: { type: 'string' },
    json: { type: 'string' },
    platform: { type: 'string' },
    model: { type: 'boolean', default: false },
  } as const;
  return parseCommandLine({ args: [...argv], options }, USAGE).values;
}

/** The machine-readable result (`--json`), which the text report and the docs' cost summary are rendered from. */
export function buildReport(options: { assembly: string; workload: string; prices?: string; pricesDir?: string }) {
  const stacks = readAssembly(options.assembly);
  const counts = countBillable(stacks);
  // Stages in manifest order, the top-level (pipeline) stacks last.
  const environments = Object.keys(counts).sort((a, b) => Number(a === SHARED_ENVIRONMENT) - Number(b === SHARED_ENVIRONMENT));
  // The one region of the stacks (environment-agnostic stacks ignored).
  const regions = [...new Set(Object.values(counts).flatMap((c) => c.regions))].filter((r) => r !== 'unknown-region');
  if (regions.length > 1) throw new UsageError(`The stacks span several regions (${regions.join(', ')}); pass --prices for one of them.`);
  const region = regions.at(0);
  if (!region && !options.prices) throw new UsageError('Could not tell the region from the stacks (environment-agnostic); pass --prices tools/cost/prices/<region>.json.');
  // Without --prices, the table of the stacks' region (in `pricesDir`: tools/docs passes an absolute one).
  const pricesFile = options.prices ?? `${options.pricesDir ?? 'tools/cost/prices'}/${region}.json`;
  const prices = loadPrices(pricesFile);
  const warnings = region && prices.region !== region ? [`the stacks are in ${region} but ${pricesFile} is for ${prices.region}`] : [];
  const workloadFile = loadWorkload(options.workload);

  const rows = environments.map((environment) => {
    const envCounts = counts[environment];
    const workload = workloadFor(workloadFile, environment);
    const estimate = priceEnvironment(envCounts, workload, prices);
    if (!servesTraffic(envCounts)) return { environment, counts: envCounts, workload, estimate };
    const { alternatives } = priceAlternatives(workload, prices, envCounts);
    return { environment, counts: envCounts, workload, estimate, alternatives, comparison: compare(estimate, alternatives, connectivityOf(envCounts)) };
  });
  const sources = [...new Set(Object.values(prices.items).map((i) => i.source))].sort();
  return {
    region: region ?? prices.region,
    prices: { file: pricesFile, retrieved: prices.retrieved, retrievalNote: prices.retrievalNote, sources },
    workloadFile: options.workload,
    warnings,
    environments: rows,
    total: rows.reduce((sum, r) => sum + r.estimate.total, 0),
  };
}

export type CostReport = ReturnType<typeof buildReport>;

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$1,234.56`, `-$1,234.56`. */
const money = (value: number): string => USD.format(value);

/** Up to 3 decimals, thousands separated. */
const quantity = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** `$0.0000133334`: enough digits to show the table's price as written. */
function unitPrice(value: number): string {
  const text = Number(value.toPrecision(6)).toString();
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  return `$${decimals < 2 ? value.toFixed(2) : text}`;
}

/** The line items of an estimate and its total. */
function estimateTable(estimate: Estimate): string {
  const rows = estimate.lineItems.map((l) => [l.item, quantity(l.quantity), l.unit, unitPrice(l.unitPrice), money(l.monthly)]);
  rows.push(['total', '', '', '', money(estimate.total)]);
  return renderTable(['item', 'quantity', 'unit', 'unit price', 'monthly'], rows);
}

/** The differing items of this design and the alternatives side by side, then the totals. */
function comparisonTable(comparison: Comparison): string {
  const rows = comparison.rows.map((r) => [r.item, ...r.values.map((v) => (v === null ? '-' : money(v)))]);
  rows.push([`unchanged items (${comparison.unchanged.items})`, ...comparison.columns.map(() => money(comparison.unchanged.monthly))]);
  rows.push(['total', ...comparison.totals.map(money)]);
  return renderTable(['monthly', ...comparison.columns], rows);
}

export function renderReport(report: CostReport): string {
  const out: string[] = [];
  const first = report.environments.find((e) => e.alternatives)?.workload ?? report.environments[0]?.workload;
  out.push('Monthly cost estimate (USD, on-demand list prices, 730 h/month, account free tiers not applied)');
  out.push(`Region ${report.region}; prices ${report.prices.file}, retrieved ${report.prices.retrieved} (see the note at the end)`);
  for (const warning of report.warnings) out.push(`warning: ${warning}`);
  if (first) {
    const gb = trafficGB(first);
    out.push(
      `Workload ${report.workloadFile}: ${quantity(first.requestsPerMonth)} requests/month, ${first.avgRequestKiB} KiB in + ${first.avgResponseKiB} KiB out ` +
        `(${quantity(gb)} GB), ${first.newTlsConnectionsPerSecond} new TLS conn/s, ${first.avgActiveConnections} active conns`,
    );
  }
  for (const env of report.environments) {
    const c = env.counts;
    out.push('', `== ${env.environment}: ${c.stacks.length} stacks, accounts ${c.accounts.join(', ')} ==`);
    out.push(
      `counted: ${c.nlbs} NLB, ${c.interfaceEndpoints} interface endpoints (${c.interfaceEndpointAzs} endpoint-AZs; ${c.stsEndpoints} to STS), ${c.transitGateways} TGW, ` +
        `${c.tgwAttachments} TGW attachments, ${c.privateLinkEndpoints} PrivateLink endpoints, ${c.latticeServices} Lattice services, ${c.latticeVpcAssociations} Lattice VPC associations, ` +
        `${c.fargate.ARM64.tasks + c.fargate.X86_64.tasks} Fargate tasks, ${c.hostedZones} hosted zones (${c.privateHostedZones} private), ` +
        `${c.appSyncApis} AppSync APIs, ${c.lambdaFunctions} Lambda functions (${c.resolverFunctions.length} resolvers), ${c.kmsKeys} KMS keys, ` +
        `${c.pipelines.length} pipelines, ${c.logGroups} log groups, ${c.alarms} alarms, ${c.customMetrics} custom metrics, ${c.advancedSsmParameters} advanced SSM parameters; ` +
        `shape: ${c.shape.consumers} consumers x ${c.shape.azs} AZs`,
    );
    out.push(env.estimate.lineItems.length > 0 ? estimateTable(env.estimate) : 'no billable resources counted');
    for (const warning of c.warnings) out.push(`warning: ${warning}`);
    if (env.comparison) {
      out.push('', `-- ${env.environment}: this design vs alternatives (only the items that differ) --`);
      out.push(comparisonTable(env.comparison));
    }
  }
  out.push('', '== All environments ==');
  out.push(renderTable(['environment', 'monthly'], [...report.environments.map((e) => [e.environment, money(e.estimate.total)]), ['total', money(report.total)]]));
  out.push('', `Prices retrieved ${report.prices.retrieved}. ${report.prices.retrievalNote ?? ''}`.trimEnd());
  out.push('Sources:', ...report.prices.sources.map((s) => `  ${s}`));
  return out.join('\n');
}

/**
 * Per environment, this design's monthly total beside each alternative's, as a Markdown table: the
 * `cost-summary` block of docs/cost.md (written by `npm run docs -- --write`). The mode an
 * environment uses is in bold; the two other modes are what it would cost with `connectivity` switched.
 */
export function costSummaryMarkdown(report: CostReport): string {
  const others: AlternativeId[] = ['public-alb', 'api-gateway'];
  const lines = [
    `| environment | connectivity | ${MODES.map((m) => MODE_NAMES[m]).join(' | ')} | ${others.map((id) => ALTERNATIVE_NAMES[id]).join(' | ')} |`,
    `|---|---|${MODES.map(() => '---|').join('')}${others.map(() => '---|').join('')}`,
  ];
  for (const env of report.environments) {
    if (!env.alternatives) continue;
    const mode = connectivityOf(env.counts);
    const total = (id: AlternativeId) => (id === mode ? `**${money(env.estimate.total)}**` : money(env.alternatives!.find((a) => a.id === id)!.total));
    const { consumers, azs } = env.counts.shape;
    lines.push(`| ${env.environment} (${consumers} consumer${consumers === 1 ? '' : 's'}, ${azs} AZs) | ${MODE_NAMES[mode]} | ${[...MODES, ...others].map(total).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** `20x50` -> { apis: 20, consumers: 50 }, or a UsageError naming the option. */
export function parsePlatform(raw: string): { apis: number; consumers: number } {
  const match = /^(\d+)x(\d+)$/.exec(raw);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new UsageError(`--platform: expected <APIs>x<consumers> such as 20x50, got ${JSON.stringify(raw)}`);
  return { apis: Number(match[1]), consumers: Number(match[2]) };
}

/**
 * The bench's generated configuration in each mode, priced from its synthesized templates (or,
 * with `model`, from the configuration); a mode that does not synthesize is priced from the model
 * and says why. Each synthesized mode is also checked against the model, field by priced field.
 */
export function platformReport(options: { platform: string; model: boolean; workload: string; prices?: string }, progress: (line: string) => void = () => undefined) {
  const { apis, consumers } = parsePlatform(options.platform);
  const base = platformEnvironment(apis, consumers, 'transit-gateway');
  const prices = loadPrices(options.prices ?? join('tools', 'cost', 'prices', `${base.config.region}.json`));
  const workload = workloadFor(loadWorkload(options.workload), base.env.name);
  const notes: string[] = [];
  const modes = MODES.map((mode): ModeEstimate => {
    const { config, env } = platformEnvironment(apis, consumers, mode);
    const model = countFromConfig(config, env, mode);
    const priced = (counts: typeof model, source: ModeEstimate['source']): ModeEstimate => ({ mode, counts, estimate: priceEnvironment(counts, workload, prices), source });
    if (options.model) return priced(model, 'config model');
    progress(`synthesizing ${apis} x ${consumers} in ${mode} mode...`);
    try {
      const counts = withSynthesizedStages(config, (assembly) => countBillable(readAssembly(assembly)))[stageIdFor(env)];
      const differing = PRICED_FIELDS.filter((f) => f !== 'fargateServices' && f !== 'resolverFunctions' && JSON.stringify(counts[f]) !== JSON.stringify(model[f]));
      if (differing.length > 0) notes.push(`${MODE_NAMES[mode]}: the templates and the config model differ in ${differing.join(', ')} (tools/cost/config-model.ts's UNITS needs updating; the table uses the templates)`);
      return priced(counts, 'templates');
    } catch (error) {
      notes.push(`${MODE_NAMES[mode]}: does not synthesize (${(error as Error).message.split('\n').slice(0, 2).join(' ').trim()}); priced from the config model`);
      return priced(model, 'config model');
    }
  });
  return { apis, consumers, prices, workload, modes, notes };
}

/** Runs the CLI; returns the exit code. */
export function run(argv: readonly string[], io = STDIO): number {
  return runScript(io, () => {
    const options = parseArgs(argv);
    if (options.platform !== undefined) {
      const report = platformReport({ platform: options.platform, model: options.model, workload: options.workload, prices: options.prices }, io.err);
      io.out(`Monthly cost (USD) of the bench's ${report.apis} x ${report.consumers} configuration in each mode; prices retrieved ${report.prices.retrieved}`);
      io.out(shapeLine(report.modes[0].counts, report.workload));
      io.out(`counts from: ${report.modes.map((m) => `${MODE_NAMES[m.mode]} ${m.source}`).join(', ')}`);
      io.out(platformTable(report.modes, 'text'));
      for (const note of report.notes) io.out(`note: ${note}`);
      return;
    }
    if (options.model) throw new UsageError(`--model goes with --platform\n${USAGE}`);
    const report = buildReport(options);
    io.out(renderReport(report));
    if (!options.json) return;
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`\nwrote ${options.json}`);
  });
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
