import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError } from '../../lib/config/errors';
import { parseConfig } from '../../lib/config/load';
import { configJsonSchema } from '../../lib/config/schema';

const EXAMPLE_JSON = readFileSync(join(__dirname, '..', '..', 'config', 'example.json'), 'utf8');

/** The problems `parseConfig` reports for the example JSON changed by `edit`. */
function problemsFor(edit: (c: any) => void) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = JSON.parse(EXAMPLE_JSON);
  edit(config);
  try {
    parseConfig(JSON.stringify(config), 'my-config.json');
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

type JsonSchemaNode = { description?: string; properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode; oneOf?: JsonSchemaNode[]; anyOf?: JsonSchemaNode[] };

/** Every property of the JSON Schema, as `path: description`. */
function describedFields(node: JsonSchemaNode, path = ''): { path: string; description: string | undefined }[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => [{ path: `${path}${key}`, description: child.description }, ...describedFields(child, `${path}${key}.`)]);
  const nested = [node.items, ...(node.oneOf ?? []), ...(node.anyOf ?? [])].flatMap((child) => (child ? describedFields(child, path) : []));
  return [...own, ...nested];
}

describe('the configuration schema', () => {
  test('fails on an unknown connectivity mode, with the fix', () => {
    expect(problemsFor((c) => (c.environments[0].connectivity = 'vpn'))).toEqual([
      { field: 'environments[dev].connectivity', value: 'vpn', fix: 'use "transit-gateway" (the default), "privatelink" or "lattice".' },
    ]);
  });

  test('fails on an unknown image kind, naming the kinds', () => {
    expect(problemsFor((c) => (c.environments[0].apis[0].service.image = { kind: 'docker' }))).toEqual([
      { field: 'environments[dev].apis[0].service.image.kind', value: 'docker', fix: 'use one of "asset", "ecr".' },
    ]);
  });

  test('documents every field (the descriptions are the fields\' only documentation)', () => {
    const undocumented = describedFields(configJsonSchema() as JsonSchemaNode).filter((f) => !f.description?.trim());
    expect(undocumented).toEqual([]);
  });

  test('states the default of every optional field that has one', () => {
    const fields = describedFields(configJsonSchema() as JsonSchemaNode);
    const described = (path: string) => fields.filter((f) => f.path === path).map((f) => f.description).join(' ');
    expect(described('environments.connectivity')).toMatch(/Default: "transit-gateway"\./);
    expect(described('environments.requireApproval')).toMatch(/Default: false\./);
    expect(described('environments.consumers.graphqlAuth')).toMatch(/Default: "AWS_IAM"\./);
    expect(described('environments.transitGateway.amazonSideAsn')).toMatch(/Default: 64512\./);
    expect(described('environments.apis.service.alarmTopicArn')).toMatch(/Default: a topic of the API's service stack\./);
    expect(described('environments.apis.runtime')).toMatch(/Default: "api-service"/);
    for (const quota of ['transitGatewayRouteTables', 'routesPerVpcRouteTable', 'securityGroupRules', 'interfaceEndpointsPerVpc']) {
      expect(described(`quotas.${quota}`)).toMatch(/Default: \d+ \(AWS's default quota\)\./);
    }
  });
});
