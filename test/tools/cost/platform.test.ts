/**
 * The platform comparison (tools/cost/platform.ts): the bench's generated matrix priced in each
 * mode from the configuration, the crossover points, `npm run cost -- --platform`, and the blocks
 * of docs/cost.md. Expected figures come from the model's own functions on the committed inputs.
 */
import { join } from 'node:path';
import { exampleConfig } from '../../../lib/config/environments';
import { validateConfig } from '../../../lib/config/validate';
import { countFromConfig } from '../../../tools/cost/config-model';
import { EnvironmentCounts } from '../../../tools/cost/count';
import { loadPrices, loadWorkload, workloadFor } from '../../../tools/cost/inputs';
import { parsePlatform, run } from '../../../tools/cost/main';
import { crossings, crossoverBlock, grouped, modesFromConfig, platformBlock, platformEnvironment, PLATFORM_SHAPE } from '../../../tools/cost/platform';
import { Mode, MODES, priceEnvironment } from '../../../tools/cost/price';

const ROOT = join(__dirname, '..', '..', '..');
const prices = loadPrices(join(ROOT, 'tools', 'cost', 'prices', 'eu-west-1.json'));
const workload = workloadFor(loadWorkload(join(ROOT, 'tools', 'cost', 'workload.json')), 'Dev');

describe('platformEnvironment: the bench\'s matrix in each mode', () => {
  test.each(['transit-gateway', 'privatelink'] as const)('%s: a valid configuration, the same matrix, the mode set', (mode) => {
    const { config, env } = platformEnvironment(PLATFORM_SHAPE.apis, PLATFORM_SHAPE.consumers, mode);
    expect(validateConfig(config)).toEqual([]);
    expect(env.connectivity).toBe(mode);
    expect(env.transitGateway === undefined).toBe(mode !== 'transit-gateway');
    const tgw = platformEnvironment(PLATFORM_SHAPE.apis, PLATFORM_SHAPE.consumers, 'transit-gateway').env;
    expect(env.consumers.map((c) => c.calls)).toEqual(tgw.consumers.map((c) => c.calls));
  });
});

describe('the 20 x 50 comparison', () => {
  const { config, env } = platformEnvironment(PLATFORM_SHAPE.apis, PLATFORM_SHAPE.consumers, 'transit-gateway');
  const modes = modesFromConfig(config, env, workload, prices);
  const pairs = env.consumers.reduce((n, c) => n + c.calls.length, 0);
  const total = (mode: Mode) => modes.find((m) => m.mode === mode)!.estimate.total;

  test('each mode counts its own path: NLBs and attachments, endpoints per pair, or a Lattice service per API', () => {
    const [tgw, pl, lattice] = modes.map((m) => m.counts);
    expect(tgw).toMatchObject({ nlbs: env.apis.length, tgwAttachments: env.apis.length + env.consumers.length, latticeServices: 0 });
    expect(pl).toMatchObject({ nlbs: env.apis.length, tgwAttachments: 0, privateLinkEndpoints: pairs });
    expect(lattice).toMatchObject({ nlbs: 0, tgwAttachments: 0, stsEndpoints: 0, latticeServices: env.apis.length, latticeVpcAssociations: env.consumers.length, privateHostedZones: pairs });
  });

  test('the groups add up to each total, and the block shows every total with the cheapest in bold', () => {
    const { rows, totals } = grouped(modes);
    totals.forEach((t, i) => expect(rows.reduce((sum, r) => sum + r.values[i], 0)).toBeCloseTo(t, 6));
    const block = platformBlock();
    const money = (v: number) => v.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
    for (const mode of MODES) expect(block).toContain(money(total(mode)));
    const cheapest = MODES.reduce((a, b) => (total(a) <= total(b) ? a : b));
    expect(block).toContain(`**${money(total(cheapest))}**`);
    expect(block).toContain(`${pairs} (consumer, API) pairs`);
  });

  test('the block follows the configuration it is generated from (so `npm run docs` reports it stale when that changes)', () => {
    const bigger = structuredClone(exampleConfig) as typeof exampleConfig;
    (bigger.environments[0].apis[0].service as { desiredCount: number }).desiredCount += 2;
    expect(platformBlock(bigger)).not.toEqual(platformBlock());
  });
});

describe('crossings', () => {
  const env = exampleConfig.environments[0];
  const counts = Object.fromEntries(MODES.map((m) => [m, countFromConfig(exampleConfig, env, m)])) as Record<Mode, EnvironmentCounts>;
  const totalAt = (mode: Mode, requests: number) => priceEnvironment(counts[mode], { ...workload, requestsPerMonth: requests }, prices).total;

  test('at each crossing the two modes cost the same, and the cheaper one changes there', () => {
    const c = crossings(counts, 'transit-gateway', 'lattice', workload, prices);
    expect(c.points.length).toBeGreaterThan(0);
    for (const p of c.points) {
      expect(totalAt('transit-gateway', p.requests)).toBeCloseTo(totalAt('lattice', p.requests), 4);
      const other: Mode = p.cheaperAbove === 'lattice' ? 'transit-gateway' : 'lattice';
      expect(totalAt(p.cheaperAbove, p.requests * 1.01)).toBeLessThan(totalAt(other, p.requests * 1.01));
      expect(totalAt(p.cheaperAbove, p.requests * 0.99)).toBeGreaterThan(totalAt(other, p.requests * 0.99));
    }
    expect(c.cheaperAtWorkload).toBe(totalAt('lattice', workload.requestsPerMonth) < totalAt('transit-gateway', workload.requestsPerMonth) ? 'lattice' : 'transit-gateway');
  });

  test('the crossover block names both shapes and every pair of modes', () => {
    const block = crossoverBlock();
    expect(block).toContain(`${PLATFORM_SHAPE.apis} x ${PLATFORM_SHAPE.consumers}`);
    expect(block.match(/transit gateway vs VPC Lattice/g)).toHaveLength(2);
    expect(block).toContain('| consumers (1 API) |');
  });
});

describe('npm run cost -- --platform', () => {
  test('--model prints a column per mode with the model\'s totals', () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(run(['--platform', '2x3', '--model'], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^monthly\s+transit gateway\s+PrivateLink\s+VPC Lattice$/m);
    const { config, env } = platformEnvironment(2, 3, 'transit-gateway');
    const totals = modesFromConfig(config, env, workload, prices).map((m) => m.estimate.total.toLocaleString('en-US', { style: 'currency', currency: 'USD' }));
    expect(text).toMatch(new RegExp(`^total\\s+${totals.map((t) => t.replace(/[$.]/g, '\\$&')).join('\\s+')}$`, 'm'));
    expect(text).toContain('counts from: transit gateway config model');
  });

  test('a malformed shape is a usage error naming the option', () => {
    expect(() => parsePlatform('20by50')).toThrow('--platform: expected <APIs>x<consumers> such as 20x50, got "20by50"');
    const err: string[] = [];
    expect(run(['--model'], { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err.join('\n')).toContain('--model goes with --platform');
  });
});
