import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType } from 'graphql';
import { apiRuntimeOf, loadApiRuntime, mergedSchema, withGraphqlPrefix } from '../../lib/config/api-runtime';

/**
 * A fragment using every place SDL names a type, and names that must stay: the fields of other
 * types, arguments, enum values, directives, descriptions, default values, built-in scalars.
 */
const FRAGMENT = `
"""An Item: a description naming Item stays as written."""
interface Node { id: ID! }
enum Sort { Item ASC DESC }
input ItemFilter { tag: String, sort: Sort = Item }
type Item implements Node {
  id: ID!
  Item: String @deprecated(reason: "Item")
  related(first: Int = 5, sort: Sort = ASC): [Item!]
  node: Node
}
type ItemPage { items: [Item!]!, nextCursor: String }
union Found = Item | ItemPage
type Query {
  item(id: ID!): Item
  items(
    filter: ItemFilter
    limit: Int = 10
  ): ItemPage!
  found(sort: Sort): [Found]
}
`;

function runtimeWith(fragment: string) {
  const root = mkdtempSync(join(tmpdir(), 'api-runtime-'));
  mkdirSync(join(root, 'twin'));
  writeFileSync(join(root, 'twin', 'schema.graphql'), fragment);
  writeFileSync(join(root, 'twin', 'resolver.ts'), '');
  writeFileSync(join(root, 'twin', 'api-runtime.json'), JSON.stringify({ graphql: { schema: 'schema.graphql', resolver: 'resolver.ts' } }));
  return loadApiRuntime('twin', root);
}

describe('withGraphqlPrefix', () => {
  const runtime = runtimeWith(FRAGMENT);
  const prefixed = withGraphqlPrefix(runtime, 'archive');

  test('the fragment\'s Query fields are read past multi-line arguments, and renamed by the rule', () => {
    expect(runtime.graphql.queryFields).toEqual(['item', 'items', 'found']);
    expect(prefixed.graphql.queryFields).toEqual(['archiveItem', 'archiveItems', 'archiveFound']);
    expect(prefixed.graphql.typeNames).toEqual(['ArchiveNode', 'ArchiveSort', 'ArchiveItemFilter', 'ArchiveItem', 'ArchiveItemPage', 'ArchiveFound']);
    expect(prefixed.graphql.prefix).toBe('archive');
    expect(prefixed.graphql.resolverEntry).toBe(runtime.graphql.resolverEntry);
  });

  test('merged with the unprefixed fragment, the schema is valid GraphQL holding both, every type reference renamed and nothing else', () => {
    const schema = buildSchema(mergedSchema([runtime, prefixed]));
    const fields = schema.getQueryType()!.getFields();
    expect(Object.keys(fields)).toEqual(['item', 'items', 'found', 'archiveItem', 'archiveItems', 'archiveFound']);
    expect(String(fields.archiveItem.type)).toBe('ArchiveItem');
    expect(String(fields.archiveItems.type)).toBe('ArchiveItemPage!');
    expect(fields.archiveItems.args.map((a) => [a.name, String(a.type), a.defaultValue])).toEqual([['filter', 'ArchiveItemFilter', undefined], ['limit', 'Int', 10]]);
    expect(String(fields.archiveFound.type)).toBe('[ArchiveFound]');
    const item = schema.getType('ArchiveItem') as GraphQLObjectType;
    // Field names of the other types stay (Item included), their types follow; implements and directives too.
    expect(Object.entries(item.getFields()).map(([name, f]) => `${name}: ${String(f.type)}`)).toEqual(['id: ID!', 'Item: String', 'related: [ArchiveItem!]', 'node: ArchiveNode']);
    expect(item.getInterfaces()).toEqual([schema.getType('ArchiveNode') as GraphQLInterfaceType]);
    expect(item.getFields().Item.deprecationReason).toBe('Item');
    expect((schema.getType('ArchiveItemPage') as GraphQLObjectType).getFields().items.type.toString()).toBe('[ArchiveItem!]!');
    expect((schema.getType('ArchiveFound') as GraphQLUnionType).getTypes().map(String)).toEqual(['ArchiveItem', 'ArchiveItemPage']);
    // Enum values and default values are values, not types: they keep their names.
    expect((schema.getType('ArchiveSort') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual(['Item', 'ASC', 'DESC']);
    expect((schema.getType('ArchiveItemFilter') as GraphQLInputObjectType).getFields().sort.defaultValue).toBe('Item');
    expect(mergedSchema([prefixed])).toContain('"""An Item: a description naming Item stays as written."""');
  });

  test('one renaming per (runtime, prefix), and the API\'s own runtime when it sets no prefix', () => {
    expect(withGraphqlPrefix(runtime, 'archive')).toBe(prefixed);
    expect(apiRuntimeOf({})).toBe(loadApiRuntime('api-service'));
    expect(apiRuntimeOf({ graphqlPrefix: 'archive' }).graphql.queryFields).toEqual(['archiveItem', 'archiveItems']);
  });
});

describe('mergedSchema', () => {
  test('without prefixes it is the catalogue\'s schema file, field for field (what consumers serve today)', () => {
    const catalogue = apiRuntimeOf({});
    const merged = buildSchema(mergedSchema([catalogue, catalogue]));
    expect(Object.keys(merged.getQueryType()!.getFields())).toEqual(['item', 'items']);
    expect(mergedSchema([catalogue])).toMatch(/type Query \{\n {2}item\(id: ID!\): Item\n {2}items\(limit: Int, cursor: String\): ItemPage!\n\}/);
  });
});
