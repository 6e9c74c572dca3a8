/**
 * The platform comparison: one matrix (the bench's generated configuration of N APIs x M
 * consumers, or the example's environment) priced in each of the three connectivity modes, side by
 * side, and the crossover points between the modes as the data volume grows. Counts come from the
 * configuration (config-model.ts, checked against the templates by its drift test) or, for
 * `npm run cost -- --platform`, from synthesized templates.
 */
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { platformConfig } from '../bench/synth';
import { renderTable } from '../shared/table';
import { countFromConfig } from './config-model';
import { EnvironmentCounts } from './count';
import { loadPrices, loadWorkload, PriceTable, Workload, workloadFor } from './inputs';
import { Estimate, MODE_NAMES, MODES, Mode, priceEnvironment, trafficGB } from './price';

/** One matrix in one mode: its counts and estimate. */
export interface ModeEstimate {
  readonly mode: Mode;
  readonly counts: EnvironmentCounts;
  readonly estimate: Estimate;
  /** Where the counts come from. */
  readonly source: 'templates' | 'config model';
}

/** The shape of the 20 x 50 comparison in docs/cost.md. */
export const PLATFORM_SHAPE = { apis: 20, consumers: 50 } as const;

/** `base` reduced to the bench's generated environment of `apis` x `consumers`, in `mode`. */
export function platformEnvironment(apis: number, consumers: number, mode: Mode, base: AppConfig = exampleConfig): { config: AppConfig; env: EnvironmentConfig } {
  const config = platformConfig(base, apis, consumers, mode);
  return { config, env: config.environments[0] };
}

/** The three modes of one environment's matrix, priced from the configuration. */
export function modesFromConfig(config: AppConfig, env: EnvironmentConfig, workload: Workload, prices: PriceTable): ModeEstimate[] {
  return MODES.map((mode) => {
    const counts = countFromConfig(config, env, mode);
    return { mode, counts, estimate: priceEnvironment(counts, workload, prices), source: 'config model' };
  });
}

/** The report's groups of line items, by key prefix, in this order; the rest is "other". */
const GROUPS: [string, (key: string) => boolean][] = [
  ['Network Load Balancers', (k) => k.startsWith('nlb.')],
  ['transit gateway (attachments + data)', (k) => k.startsWith('tgw.')],
  ['PrivateLink endpoints to the APIs', (k) => k.startsWith('privatelink.')],
  ['VPC Lattice (services, data, requests)', (k) => k.startsWith('lattice.')],
  ['STS endpoints (caller identity)', (k) => k.startsWith('vpce.sts.')],
  ['interface endpoints to ECR and Logs', (k) => k.startsWith('vpce.')],
  ['Route 53 hosted zones', (k) => k.startsWith('route53.')],
  ['Fargate tasks', (k) => k.startsWith('fargate.')],
  ['AppSync + Lambda resolvers', (k) => k.startsWith('appsync.') || k.startsWith('lambda.')],
  ['CloudWatch logs, alarms, metrics', (k) => k.startsWith('logs.') || k === 'alarms' || k.startsWith('metrics.')],
  ['KMS keys, SSM parameters', () => true],
];

/** Monthly USD per group (the report's rows) and the total, per mode. */
export function grouped(modes: readonly ModeEstimate[]) {
  const rows = GROUPS.map(([name, matches]) => ({
    name,
    values: modes.map((m) => m.estimate.lineItems.filter((l) => GROUPS.find(([, g]) => g(l.key))![1] === matches).reduce((sum, l) => sum + l.monthly, 0)),
  })).filter((row) => row.values.some((v) => v > 0));
  return { columns: modes.map((m) => MODE_NAMES[m.mode]), rows, totals: modes.map((m) => m.estimate.total) };
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (value: number) => USD.format(value);
const count = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** The comparison as a Markdown table (docs/cost.md) or plain text (the CLI). */
export function platformTable(modes: readonly ModeEstimate[], format: 'markdown' | 'text'): string {
  const { columns, rows, totals } = grouped(modes);
  const cheapest = Math.min(...totals);
  const body = [...rows.map((r) => [r.name, ...r.values.map((v) => (v === 0 ? '-' : money(v)))]), ['**total**', ...totals.map((t) => (t === cheapest ? `**${money(t)}**` : money(t)))]];
  if (format === 'text') return renderTable(['monthly', ...columns], body.map((r) => r.map((cell) => cell.replace(/\*\*/g, ''))));
  return [`| monthly | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---:|').join('')}`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** One line saying what was priced: the matrix and the workload. */
export function shapeLine(counts: EnvironmentCounts, workload: Workload): string {
  const apis = Math.max(counts.nlbs, counts.latticeServices, counts.fargateServices.length);
  return (
    `${apis} APIs, ${counts.shape.consumers} consumers, ${counts.resolverFunctions.length} (consumer, API) pairs, ${counts.shape.azs} AZs; ` +
    `${count(workload.requestsPerMonth)} requests/month over all pairs (${count(trafficGB(workload))} GB)`
  );
}

/**
 * Where two modes cost the same as the monthly volume grows (requests scaled at the workload's
 * request and response sizes): each crossing of `a` and `b` as GB/month and which is cheaper above
 * it. The totals are piecewise linear (the NLCU's max of dimensions, Lattice's free allowance), so a
 * geometric scan finds each sign change and a bisection pins it.
 */
export function crossings(counts: Record<Mode, EnvironmentCounts>, a: Mode, b: Mode, workload: Workload, prices: PriceTable, maxRequests = 1e13) {
  const at = (requests: number) => {
    const w = { ...workload, requestsPerMonth: requests };
    return priceEnvironment(counts[a], w, prices).total - priceEnvironment(counts[b], w, prices).total;
  };
  const points: { requests: number; gb: number; cheaperAbove: Mode }[] = [];
  let lo = 1e4;
  let dLo = at(lo);
  for (let hi = lo * 1.1; hi <= maxRequests; hi *= 1.1) {
    const dHi = at(hi);
    if (Math.sign(dHi) !== Math.sign(dLo) && dHi !== 0) {
      let [l, h] = [lo, hi];
      for (let i = 0; i < 60; i++) {
        const mid = (l + h) / 2;
        if (Math.sign(at(mid)) === Math.sign(dLo)) l = mid;
        else h = mid;
      }
      points.push({ requests: h, gb: trafficGB({ ...workload, requestsPerMonth: h }), cheaperAbove: dHi < 0 ? a : b });
    }
    [lo, dLo] = [hi, dHi];
  }
  return { cheaperAtWorkload: at(workload.requestsPerMonth) < 0 ? a : b, points, maxGB: trafficGB({ ...workload, requestsPerMonth: maxRequests }) };
}

const PAIRS: [Mode, Mode][] = [['transit-gateway', 'lattice'], ['privatelink', 'lattice'], ['privatelink', 'transit-gateway']];

/** `1,234 GB` (or TB past 10,000 GB). */
const volume = (gb: number) => (gb >= 10_000 ? `${count(gb / 1024)} TB` : `${count(gb)} GB`);

/** The crossover table of docs/cost.md: for each shape, each pair of modes, where the cheaper one changes. */
export function crossoverMarkdown(shapes: readonly { name: string; config: AppConfig; env: EnvironmentConfig }[], workload: Workload, prices: PriceTable): string {
  const lines = ['| shape | modes | cheaper at the default workload | crossover (data per month) | cheaper above it |', '|---|---|---|---|---|'];
  for (const shape of shapes) {
    const counts = Object.fromEntries(MODES.map((m) => [m, countFromConfig(shape.config, shape.env, m)])) as Record<Mode, EnvironmentCounts>;
    for (const [a, b] of PAIRS) {
      const c = crossings(counts, a, b, workload, prices);
      const where = c.points.length === 0 ? `none up to ${volume(c.maxGB)}` : c.points.map((p) => `${volume(p.gb)} (${count(p.requests / 1e6)} M requests)`).join(', then ');
      const above = c.points.length === 0 ? '-' : c.points.map((p) => MODE_NAMES[p.cheaperAbove]).join(', then ');
      lines.push(`| ${shape.name} | ${MODE_NAMES[a]} vs ${MODE_NAMES[b]} | ${MODE_NAMES[c.cheaperAtWorkload]} | ${where} | ${above} |`);
    }
  }
  return lines.join('\n');
}

/**
 * PrivateLink with few consumers: one API, N consumers each calling it; the data volume above
 * which PrivateLink is the cheapest of the three modes (its endpoints cost per consumer, its GB
 * the least), or that it never is up to the scan's limit.
 */
export function privateLinkMarkdown(consumerCounts: readonly number[], workload: Workload, prices: PriceTable): string {
  const lines = ['| consumers (1 API) | cheapest at the default workload | PrivateLink cheapest of the three above |', '|---|---|---|'];
  for (const n of consumerCounts) {
    const { config, env } = platformEnvironment(1, n, 'privatelink');
    const counts = Object.fromEntries(MODES.map((m) => [m, countFromConfig(config, env, m)])) as Record<Mode, EnvironmentCounts>;
    const totals = (w: Workload) => MODES.map((m) => priceEnvironment(counts[m], w, prices).total);
    const cheapestAt = (w: Workload) => { const t = totals(w); return MODES[t.indexOf(Math.min(...t))]; };
    const vsTgw = crossings(counts, 'privatelink', 'transit-gateway', workload, prices);
    const vsLattice = crossings(counts, 'privatelink', 'lattice', workload, prices);
    // PrivateLink is cheapest of all where it is below both: past the last crossing after which it is cheaper than each.
    const from = (c: ReturnType<typeof crossings>) => (c.cheaperAtWorkload === 'privatelink' && c.points.length === 0 ? 0 : c.points.at(-1)?.cheaperAbove === 'privatelink' ? c.points.at(-1)!.gb : Infinity);
    const gb = Math.max(from(vsTgw), from(vsLattice));
    lines.push(`| ${n} | ${MODE_NAMES[cheapestAt(workload)]} | ${gb === Infinity ? `never up to ${volume(vsLattice.maxGB)}` : gb === 0 ? 'always' : volume(gb)} |`);
  }
  return lines.join('\n');
}

/** The committed workload and price table (the docs' blocks are priced with them). */
function committedInputs(region: string) {
  const dir = __dirname;
  const workloadFile = loadWorkload(join(dir, 'workload.json'));
  return { prices: loadPrices(join(dir, 'prices', `${region}.json`)), workloadFile };
}

/**
 * The `cost-platform` block of docs/cost.md: the bench's 20 x 50 configuration (from `base`'s
 * first environment) in each mode, priced from the configuration (config-model.ts, which its drift
 * test holds to the templates): regenerated and checked by `npm run docs` in milliseconds, where
 * three synths of that size take minutes. `npm run cost -- --platform 20x50` prices the templates.
 */
export function platformBlock(base: AppConfig = exampleConfig): string {
  const { config, env } = platformEnvironment(PLATFORM_SHAPE.apis, PLATFORM_SHAPE.consumers, 'transit-gateway', base);
  const { prices, workloadFile } = committedInputs(config.region);
  const workload = workloadFor(workloadFile, stageIdFor(env));
  const modes = modesFromConfig(config, env, workload, prices);
  return `\n${shapeLine(modes[0].counts, workload)}; prices retrieved ${prices.retrieved}.\n\n${platformTable(modes, 'markdown')}\n`;
}

/** The `cost-crossover` block of docs/cost.md: the example's first environment and the 20 x 50 configuration, then PrivateLink with few consumers. */
export function crossoverBlock(base: AppConfig = exampleConfig): string {
  const [first] = base.environments;
  const platform = platformEnvironment(PLATFORM_SHAPE.apis, PLATFORM_SHAPE.consumers, 'transit-gateway', base);
  const { prices, workloadFile } = committedInputs(base.region);
  const workload = workloadFor(workloadFile, stageIdFor(first));
  const shapes = [
    { name: `${stageIdFor(first)} (example: ${first.apis.length} APIs, ${first.consumers.length} consumer${first.consumers.length === 1 ? '' : 's'})`, config: base, env: first },
    { name: `${PLATFORM_SHAPE.apis} x ${PLATFORM_SHAPE.consumers}`, config: platform.config, env: platform.env },
  ];
  return `\n${crossoverMarkdown(shapes, workload, prices)}\n\n${privateLinkMarkdown([1, 2, 5, 10, 20], workload, prices)}\n`;
}
