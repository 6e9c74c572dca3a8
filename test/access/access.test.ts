/**
 * The access simulation: for every call the design depends on at deploy or run time (derived from
 * the synthesized templates, see calls.ts), evaluates identity policy + resource policy + KMS key
 * policy together with an IAM evaluation library, and asserts allowed; for the boundaries the
 * design relies on (another VPC, another record, another principal), asserts denied.
 * The full table of each configuration is written to cdk.out.access/<configuration>.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { AppConfig } from '../../lib/config/types';
import { buildTestApp, configWith } from '../helpers';
import { privateLinkConfig } from '../stages/privatelink-config';
import { AssemblyIndex, stacksOf } from './assembly-index';
import { CALL_SOURCES } from './calls';
import { evaluate, Evaluated, formatTable } from './simulate';

/** Three environments of three consumer accounts each, every account distinct. */
const threeByThree = configWith((c) => {
  const [dev] = c.environments;
  c.environments = ['dev', 'staging', 'prod'].map((name, e) => ({
    ...dev,
    name,
    apiAccount: `4${e}0000000000`,
    apiCidr: `10.${10 + e * 100}.0.0/20`,
    apiDomain: name === 'prod' ? 'api.example.com' : `api.${name}.example.com`,
    requireApproval: name === 'prod',
    consumers: ['storefront', 'reporting', 'billing'].map((consumer, i) => ({ name: consumer, account: `5${e}${i}000000000`, cidr: `10.${20 + e * 100 + i}.0.0/20` })),
  }));
});

const OUT = join(__dirname, '..', '..', 'cdk.out.access');

describe.each<[string, AppConfig]>([
  ['example', exampleConfig],
  ['three-environments-three-consumers', threeByThree],
  // Dev in PrivateLink mode: the endpoint service's provider log group gets the stack key through an
  // escape hatch (private-link-endpoint-service.ts), which CDK's grants do not see.
  ['privatelink-dev', privateLinkConfig],
])('access simulation: %s configuration', (name, config) => {
  let rows: Evaluated[];
  let callsPerSource: Record<string, number>;
  beforeAll(async () => {
    const { app } = buildTestApp(config, { bundling: false });
    const index = new AssemblyIndex(stacksOf(app));
    const calls = CALL_SOURCES.map((source) => source(index));
    callsPerSource = Object.fromEntries(CALL_SOURCES.map((source, i) => [source.name, calls[i].length]));
    rows = await Promise.all(calls.flat().map(evaluate));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.txt`), `${formatTable(`access simulation, ${name} configuration`, rows)}\n`);
  });

  test('every kind of call is found in the templates', () => {
    // A refactoring that hides resources from a source (renamed type, moved property) fails here
    // instead of silently checking nothing.
    for (const [source, count] of Object.entries(callsPerSource)) expect({ source, found: count > 0 }).toEqual({ source, found: true });
  });

  test('every call the design depends on is allowed, every boundary denied (table: cdk.out.access/)', () => {
    const mismatches = rows.filter((r) => r.decision !== r.call.expected);
    expect(mismatches.length === 0 ? 'none' : formatTable('mismatches', mismatches)).toBe('none');
  });
});
