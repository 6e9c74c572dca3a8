import { configJsonSchema } from '../../lib/config/schema';

type JsonSchemaNode = { description?: string; properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode; oneOf?: JsonSchemaNode[]; anyOf?: JsonSchemaNode[] };

/** Every property of the JSON Schema, as `path: description`. */
function describedFields(node: JsonSchemaNode, path = ''): { path: string; description: string | undefined }[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => [{ path: `${path}${key}`, description: child.description }, ...describedFields(child, `${path}${key}.`)]);
  const nested = [node.items, ...(node.oneOf ?? []), ...(node.anyOf ?? [])].flatMap((child) => (child ? describedFields(child, path) : []));
  return [...own, ...nested];
}

describe('the configuration schema', () => {
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
    expect(described('environments.service.alarmTopicArn')).toMatch(/Default: alarms are created without actions\./);
  });
});
