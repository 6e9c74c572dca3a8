/**
 * The configuration-derived counts (tools/cost/config-model.ts) against the template-derived ones
 * (tools/cost/count.ts), field by priced field, for configurations with an environment in each
 * mode: when a construct gains an alarm, a key or an endpoint, this fails until the model's unit
 * table follows, so the 20 x 50 comparison in docs/cost.md (priced from the model) cannot drift
 * from what the stacks deploy. One synth per configuration.
 */
import { AppConfig, EnvironmentConfig } from '../../../lib/config/types';
import { connectivityOf } from '../../../lib/config/connectivity';
import { stageIdFor } from '../../../lib/stages/environment-stage';
import { countBillable, EnvironmentCounts } from '../../../tools/cost/count';
import { countFromConfig, PRICED_FIELDS } from '../../../tools/cost/config-model';
import { platformEnvironment } from '../../../tools/cost/platform';
import { MODES } from '../../../tools/cost/price';
import { withSynthesizedStages } from '../../../tools/cost/synth';
import { readAssembly } from '../../../tools/shared/assembly';
import { latticeConfig } from '../../stages/lattice-config';
import { privateLinkConfig } from '../../stages/privatelink-config';

/** The priced fields, with the names the model cannot know (stack names, logical ids) left out and lists in a stable order. */
function priced(counts: EnvironmentCounts) {
  const picked = Object.fromEntries(PRICED_FIELDS.map((f) => [f, counts[f]])) as Record<(typeof PRICED_FIELDS)[number], unknown>;
  picked.fargateServices = counts.fargateServices.map(({ desiredCount, minCapacity, maxCapacity, vcpu, memoryGB, architecture }) => ({ desiredCount, minCapacity, maxCapacity, vcpu, memoryGB, architecture })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  picked.resolverFunctions = counts.resolverFunctions.map(({ memoryMB, architecture }) => `${memoryMB} ${architecture}`).sort();
  return picked;
}

// The example with dev in privatelink mode, the example with dev in lattice mode (both keep prod on
// its transit gateway), and the bench's generator at 3 x 4 in lattice mode (consumers calling several APIs).
const configs: AppConfig[] = [privateLinkConfig, latticeConfig, platformEnvironment(3, 4, 'lattice').config];
const cases: [string, AppConfig, EnvironmentConfig, EnvironmentCounts][] = configs.flatMap((config, i) => {
  const fromTemplates = withSynthesizedStages(config, (assembly) => countBillable(readAssembly(assembly)));
  return config.environments.map((env): [string, AppConfig, EnvironmentConfig, EnvironmentCounts] => [`configuration ${i + 1}, ${stageIdFor(env)} (${connectivityOf(env)})`, config, env, fromTemplates[stageIdFor(env)]]);
});

describe('the config model counts what the templates hold', () => {
  test('the configurations cover every mode', () => {
    expect(new Set(cases.map(([, , env]) => connectivityOf(env)))).toEqual(new Set(MODES));
  });

  test.each(cases)('%s: every priced field', (_, config, env, templates) => {
    expect(templates.warnings).toEqual([]);
    expect(priced(countFromConfig(config, env))).toEqual(priced(templates));
  });
});
