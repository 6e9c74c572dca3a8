/**
 * The configuration-derived counts (tools/cost/config-model.ts) against the template-derived ones
 * (tools/cost/count.ts), field by priced field, for a configuration with an environment in each
 * mode that synthesizes: when a construct gains an alarm, a key or an endpoint, this fails until
 * the model's unit table follows, so the 20 x 50 comparison in docs/cost.md (priced from the
 * model) cannot drift from what the stacks deploy. One synth for every case.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exampleConfig } from '../../../lib/config/environments';
import { connectivitySchema } from '../../../lib/config/schema';
import { EnvironmentConfig } from '../../../lib/config/types';
import { stageIdFor } from '../../../lib/stages/environment-stage';
import { countBillable, EnvironmentCounts } from '../../../tools/cost/count';
import { countFromConfig, PRICED_FIELDS } from '../../../tools/cost/config-model';
import { platformEnvironment } from '../../../tools/cost/platform';
import { withSynthesizedStages } from '../../../tools/cost/synth';
import { readAssembly } from '../../../tools/shared/assembly';
import { privateLinkConfig } from '../../stages/privatelink-config';

/** The priced fields, with the names the model cannot know (stack names, logical ids) left out and lists in a stable order. */
function priced(counts: EnvironmentCounts) {
  const picked = Object.fromEntries(PRICED_FIELDS.map((f) => [f, counts[f]])) as Record<(typeof PRICED_FIELDS)[number], unknown>;
  picked.fargateServices = counts.fargateServices.map(({ desiredCount, minCapacity, maxCapacity, vcpu, memoryGB, architecture }) => ({ desiredCount, minCapacity, maxCapacity, vcpu, memoryGB, architecture })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  picked.resolverFunctions = counts.resolverFunctions.map(({ memoryMB, architecture }) => `${memoryMB} ${architecture}`).sort();
  return picked;
}

const config = privateLinkConfig;
const fromTemplates = withSynthesizedStages(config, (assembly) => countBillable(readAssembly(assembly)));
const cases: [string, EnvironmentConfig][] = config.environments.map((env) => [`${stageIdFor(env)} (${env.connectivity ?? 'transit-gateway'})`, env]);

describe('the config model counts what the templates hold', () => {
  test('the configuration covers both modes that synthesize', () => {
    expect(new Set(config.environments.map((e) => e.connectivity ?? 'transit-gateway'))).toEqual(new Set(['transit-gateway', 'privatelink']));
  });

  test.each(cases)('%s: every priced field', (_, env) => {
    const templates = fromTemplates[stageIdFor(env)];
    expect(templates.warnings).toEqual([]);
    expect(priced(countFromConfig(config, env))).toEqual(priced(templates));
  });

  // Lattice mode joins as soon as the stages build it: the configuration may accept the mode before
  // its stacks exist (until then fixtures/lattice.ts tests the counting of the agreed shape).
  const latticeSynthesizes = (connectivitySchema.options as readonly string[]).includes('lattice') && existsSync(join(__dirname, '..', '..', '..', 'lib', 'stacks', 'lattice-hub-stack.ts'));
  (latticeSynthesizes ? test : test.skip)('lattice mode (3 APIs x 4 consumers, several calls each): every priced field', () => {
    const { config: lattice, env } = platformEnvironment(3, 4, 'lattice', exampleConfig);
    const templates = withSynthesizedStages(lattice, (assembly) => countBillable(readAssembly(assembly)))[stageIdFor(env)];
    expect(templates.warnings).toEqual([]);
    expect(priced(countFromConfig(lattice, env, 'lattice'))).toEqual(priced(templates));
  });
});
